package main

import (
	"net/http"
	"net/url"
)

// maxRequestBytes bounds one HTTP request body.
const maxRequestBytes = 8 << 20

// guardHTTP refuses cross-origin browser requests (a web page must not drive
// a local server) and bounds request bodies. mcp-go already rejects a
// non-loopback Host header on a loopback listener (DNS rebinding).
func guardHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && !loopbackOrigin(o) {
			http.Error(w, "Forbidden: cross-origin requests are not allowed", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		next.ServeHTTP(w, r)
	})
}

func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return checkLoopback(hostPort(u)) == nil
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return u.Host + ":0"
}
