package files

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// allowHint is how a user lets the server read a folder.
const allowHint = "add the folder as a workspace root in the client, " +
	"or start the server with --files-root DIR"

// Roots returns the allowed local directories: the MCP roots the client
// declares (file:// URIs; other schemes are skipped) followed by the
// --files-root directories. Entries are absolute, cleaned, with "~"
// expanded and symlinks resolved; entries that do not exist are dropped.
func Roots(mcpRoots []string, filesRoots []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		p, err := ExpandHome(p)
		if err != nil || p == "" {
			return
		}
		p, err = filepath.Abs(p)
		if err != nil {
			return
		}
		if p, err = filepath.EvalSymlinks(p); err != nil || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, p)
	}
	for _, uri := range mcpRoots {
		if p, ok := fileURIPath(uri); ok {
			add(p)
		}
	}
	for _, p := range filesRoots {
		add(p)
	}
	return out
}

// fileURIPath turns "file:///home/me/x%20y" into "/home/me/x y".
func fileURIPath(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") {
		return "", false
	}
	return filepath.FromSlash(u.Path), u.Path != ""
}

// ExpandHome replaces a leading "~" or "~/" with the user's home directory.
func ExpandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expand ~: %w", err)
	}
	return filepath.Join(home, p[1:]), nil
}

// Resolve returns the real path of a regular file under one of roots:
// "~" expanded, made absolute, cleaned, and symlinks resolved; the result
// must still be under a root. Anything else is an error wrapping
// ErrNotAllowed (or the os error when the file does not exist).
func Resolve(path string, roots []string) (string, error) {
	if strings.TrimSpace(path) == "" {
		return "", errors.New("no path given")
	}
	p, err := ExpandHome(path)
	if err != nil {
		return "", err
	}
	if p, err = filepath.Abs(p); err != nil {
		return "", fmt.Errorf("resolve %s: %w", path, err)
	}
	if len(roots) == 0 {
		return "", fmt.Errorf("%w: %s: no folders are allowed yet; %s", ErrNotAllowed, path, allowHint)
	}
	roots = realRoots(roots)
	// Check the lexical path first so ".." escapes are named as such.
	if !underAny(p, roots) {
		return "", outside(path, roots)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("file %s does not exist", path)
		}
		return "", fmt.Errorf("resolve %s: %w", path, err)
	}
	if !underAny(real, roots) {
		return "", fmt.Errorf("%w: %s is a link to %s, outside the allowed folders (%s); %s",
			ErrNotAllowed, path, real, strings.Join(roots, ", "), allowHint)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("stat %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		what := "not a regular file"
		if fi.IsDir() {
			what = "a directory, not a file"
		}
		return "", fmt.Errorf("%w: %s is %s", ErrNotAllowed, path, what)
	}
	return real, nil
}

func outside(path string, roots []string) error {
	return fmt.Errorf("%w: %s is outside the allowed folders (%s); %s",
		ErrNotAllowed, path, strings.Join(roots, ", "), allowHint)
}

// underAny reports whether p (absolute, clean) is a root or inside one.
func underAny(p string, roots []string) bool {
	for _, r := range roots {
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// realRoots returns each root absolute and cleaned, plus its resolved form
// when it contains symlinks (so /tmp and /private/tmp both match on macOS).
func realRoots(roots []string) []string {
	out := make([]string, 0, 2*len(roots))
	for _, r := range roots {
		r, err := ExpandHome(r)
		if err != nil || r == "" {
			continue
		}
		if r, err = filepath.Abs(r); err != nil {
			continue
		}
		out = append(out, r)
		if real, err := filepath.EvalSymlinks(r); err == nil && real != r {
			out = append(out, real)
		}
	}
	return out
}
