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

// Package balancer is the local fleet's stand-in for the load balancer in
// front of a highly available control plane (as kind and k3d put one in front
// of their API servers): a TCP proxy on loopback that passes each connection,
// TLS and all, to a backend whose /readyz answers ok.
package balancer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
)

// Balancer proxies connections to healthy backends, round-robin.
type Balancer struct {
	// Listen is the address to accept on (127.0.0.1:port).
	Listen string
	// Backends are host:port of the API servers.
	Backends []string
	// CheckInterval is how often each backend's /readyz is probed.
	CheckInterval time.Duration

	mu      sync.RWMutex
	healthy []bool
	next    atomic.Uint64
}

// Run serves until ctx ends.
func (b *Balancer) Run(ctx context.Context) error {
	if len(b.Backends) == 0 {
		return errors.New("no backends")
	}
	if b.CheckInterval <= 0 {
		b.CheckInterval = time.Second
	}
	b.healthy = make([]bool, len(b.Backends))
	b.checkAll(ctx)
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", b.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", b.Listen, err)
	}
	go func() {
		<-ctx.Done()
		_ = l.Close()
	}()
	go b.checkLoop(ctx)
	log := logr.FromContextOrDiscard(ctx)
	log.Info("Balancing", "listen", b.Listen, "backends", b.Backends)
	for {
		conn, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Error(err, "Accept failed")
			continue
		}
		go b.serve(ctx, conn)
	}
}

// Healthy lists the backends that passed their last check.
func (b *Balancer) Healthy() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []string
	for i, ok := range b.healthy {
		if ok {
			out = append(out, b.Backends[i])
		}
	}
	return out
}

// serve dials a healthy backend, trying the others when one refuses, and
// copies bytes both ways until either side closes.
func (b *Balancer) serve(ctx context.Context, client net.Conn) {
	defer client.Close()
	candidates := b.order()
	var backend net.Conn
	for _, addr := range candidates {
		d := net.Dialer{Timeout: 2 * time.Second}
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			backend = c
			break
		}
		b.mark(addr, false)
	}
	if backend == nil {
		return
	}
	defer backend.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(backend, client)
	go pipe(client, backend)
	select {
	case <-done:
	case <-ctx.Done():
	}
	// One direction ended: give the other a moment to flush, then close both.
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	case <-ctx.Done():
	}
}

// order returns the healthy backends starting at the next in turn, then the
// unhealthy ones as a last resort (all checks may lag a restart).
func (b *Balancer) order() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	n := len(b.Backends)
	start := int(b.next.Add(1) % uint64(n))
	var healthy, rest []string
	for i := range n {
		j := (start + i) % n
		if b.healthy[j] {
			healthy = append(healthy, b.Backends[j])
		} else {
			rest = append(rest, b.Backends[j])
		}
	}
	return append(healthy, rest...)
}

func (b *Balancer) mark(addr string, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, a := range b.Backends {
		if a == addr {
			b.healthy[i] = ok
		}
	}
}

func (b *Balancer) checkLoop(ctx context.Context) {
	t := time.NewTicker(b.CheckInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.checkAll(ctx)
		}
	}
}

// probeClient checks /readyz as a kubelet probe does: anonymous, without
// verifying the serving certificate (the connection carries no credential).
var probeClient = &http.Client{
	Timeout: time.Second,
	Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // a health probe, like the kubelet's
		DisableKeepAlives: true,
	},
}

func (b *Balancer) checkAll(ctx context.Context) {
	var wg sync.WaitGroup
	for _, addr := range b.Backends {
		wg.Go(func() { b.mark(addr, ready(ctx, addr)) })
	}
	wg.Wait()
}

func ready(ctx context.Context, addr string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}
