package files

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	root := t.TempDir()
	outsideDir := t.TempDir()
	write := func(p string) string {
		t.Helper()
		if err := os.WriteFile(p, []byte("a\n1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inside := write(filepath.Join(root, "in.csv"))
	secret := write(filepath.Join(outsideDir, "secret.csv"))
	must(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
	must(t, os.Symlink(secret, filepath.Join(root, "escape.csv")))
	must(t, os.Symlink(inside, filepath.Join(root, "sub", "link.csv")))
	must(t, os.Symlink(outsideDir, filepath.Join(root, "dirlink")))
	roots := Roots([]string{"file://" + root, "https://example.com/x"}, nil)
	if len(roots) != 1 {
		t.Fatalf("Roots = %v", roots)
	}

	for _, c := range []struct {
		name, path, want, errHas string
	}{
		{"inside", inside, inside, ""},
		{"symlink inside", filepath.Join(root, "sub", "link.csv"), inside, ""},
		{"dot dot inside", filepath.Join(root, "sub", "..", "in.csv"), inside, ""},
		{"outside", secret, "", "outside the allowed folders"},
		{"dot dot escape", root + "/../" + filepath.Base(outsideDir) + "/secret.csv", "", "outside the allowed folders"},
		{"symlink escape", filepath.Join(root, "escape.csv"), "", "is a link to"},
		{"dir symlink escape", filepath.Join(root, "dirlink", "secret.csv"), "", "is a link to"},
		{"directory", filepath.Join(root, "sub"), "", "a directory"},
		{"missing", filepath.Join(root, "nope.csv"), "", "does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Resolve(c.path, roots)
			if c.errHas == "" {
				if err != nil || got != c.want {
					t.Fatalf("Resolve = %q, %v; want %q", got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Fatalf("Resolve = %q, %v; want error containing %q", got, err, c.errHas)
			}
			if c.name != "missing" && !errors.Is(err, ErrNotAllowed) {
				t.Errorf("error %v does not wrap ErrNotAllowed", err)
			}
			if strings.Contains(c.errHas, "outside") && !strings.Contains(err.Error(), "--files-root") {
				t.Errorf("error does not say how to allow the folder: %v", err)
			}
		})
	}
}

func TestResolveDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Resolve("/dev/zero", []string{"/dev"})
	if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Resolve(/dev/zero) = %v", err)
	}
	if _, err := Resolve("/dev/zero", nil); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("no roots: %v", err)
	}
}

func TestResolveHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	p := filepath.Join(home, "Downloads", "sales.csv")
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte("a\n"), 0o644))
	roots := Roots(nil, []string{"~/Downloads"})
	got, err := Resolve("~/Downloads/sales.csv", roots)
	if err != nil || got != p {
		t.Fatalf("Resolve(~) = %q, %v; want %q", got, err, p)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRootsFromURIs(t *testing.T) {
	base := t.TempDir()
	spaced := filepath.Join(base, "my data")
	must(t, os.Mkdir(spaced, 0o755))
	got := Roots([]string{
		"file://" + strings.ReplaceAll(spaced, " ", "%20"),
		"file://otherhost/share",
		"file://" + filepath.Join(base, "missing"),
	}, []string{spaced, base})
	if len(got) != 2 || got[0] != spaced || got[1] != base {
		t.Fatalf("Roots = %q", got)
	}
}
