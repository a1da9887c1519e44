/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package balancer

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend is an HTTPS server whose /readyz can be turned off, and which
// names itself on every other path.
type backend struct {
	*httptest.Server
	name  string
	ready atomic.Bool
}

func newBackend(t *testing.T, name string) *backend {
	b := &backend{name: name}
	b.ready.Store(true)
	b.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" && !b.ready.Load() {
			http.Error(w, "etcd failed", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, b.name)
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *backend) addr() string { return strings.TrimPrefix(b.URL, "https://") }

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// ask sends one request through the balancer on a new connection and
// returns which backend answered.
func ask(t *testing.T, addr string) string {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}} //nolint:gosec // test servers
	resp, err := c.Get("https://" + addr + "/who")
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestBalancerSkipsUnreadyAndDeadBackends(t *testing.T) {
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	lb := &Balancer{Listen: freeAddr(t), Backends: []string{a.addr(), b.addr(), c.addr()}, CheckInterval: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = lb.Run(ctx) }()
	waitFor(t, func() bool { return len(lb.Healthy()) == 3 })

	seen := map[string]int{}
	for range 9 {
		seen[ask(t, lb.Listen)]++
	}
	if seen["a"] != 3 || seen["b"] != 3 || seen["c"] != 3 {
		t.Fatalf("round-robin over three ready backends: %v", seen)
	}

	b.ready.Store(false) // its etcd lost quorum
	c.Close()            // its process died
	waitFor(t, func() bool { return len(lb.Healthy()) == 1 })
	for range 6 {
		if got := ask(t, lb.Listen); got != "a" {
			t.Fatalf("request went to %q with only a ready", got)
		}
	}

	b.ready.Store(true)
	waitFor(t, func() bool { return len(lb.Healthy()) == 2 })
	seen = map[string]int{}
	for range 6 {
		seen[ask(t, lb.Listen)]++
	}
	if seen["a"] == 0 || seen["b"] == 0 {
		t.Fatalf("a recovered backend gets requests again: %v", seen)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
