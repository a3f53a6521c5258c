package main

import (
	"io"
	"slices"
	"testing"
)

func TestFilesFlags(t *testing.T) {
	home := t.TempDir()
	cases := []struct {
		args []string
		env  map[string]string
		want []string
		max  int64
	}{
		{args: nil, want: nil, max: 1 << 30},
		{args: []string{"--files-root", "/a", "--files-root", "/b", "--files-max-bytes", "10"}, want: []string{"/a", "/b"}, max: 10},
		{env: map[string]string{"IOPSDATA_FILES_ROOT": "/a, /b", "IOPSDATA_FILES_MAX_BYTES": "5"}, want: []string{"/a", "/b"}, max: 5},
		{args: []string{"--files-root", "/c"}, env: map[string]string{"IOPSDATA_FILES_ROOT": "/a,/b"}, want: []string{"/c"}, max: 1 << 30},
	}
	for _, c := range cases {
		env := map[string]string{"IOPSDATA_HOME": home}
		for k, v := range c.env {
			env[k] = v
		}
		cfg, err := parseConfig(c.args, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatalf("%v %v: %v", c.args, c.env, err)
		}
		if !slices.Equal(cfg.filesRoots, c.want) || cfg.filesMax != c.max {
			t.Errorf("%v %v: roots %v max %d, want %v %d", c.args, c.env, cfg.filesRoots, cfg.filesMax, c.want, c.max)
		}
	}
	if _, err := parseConfig([]string{"--files-max-bytes", "0"}, func(k string) string { return map[string]string{"IOPSDATA_HOME": home}[k] }, io.Discard); err == nil {
		t.Error("--files-max-bytes 0 accepted")
	}
}
