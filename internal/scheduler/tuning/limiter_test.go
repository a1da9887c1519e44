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

package tuning

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// eventually polls cond until it holds or a deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// holders are decisions that hold their slot until the test lets them go.
type holders struct {
	l       *Limiter
	running atomic.Int32
	most    atomic.Int32 // the most running at once since the last reset
	letGo   chan struct{}
	done    sync.WaitGroup
}

func newHolders(l *Limiter) *holders { return &holders{l: l, letGo: make(chan struct{})} }

// start launches n decisions; each holds its slot until one value is sent
// on letGo (or it is closed).
func (h *holders) start(t *testing.T, n int) {
	for range n {
		h.done.Go(func() {
			release, err := h.l.Acquire(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			raise(&h.most, h.running.Add(1))
			<-h.letGo
			h.running.Add(-1)
			release()
		})
	}
}

// raise sets most to now if now is higher.
func raise(most *atomic.Int32, now int32) {
	for {
		m := most.Load()
		if now <= m || most.CompareAndSwap(m, now) {
			return
		}
	}
}

func TestLimiterNeverExceedsItsLimit(t *testing.T) {
	l := NewLimiter(5)
	var running, most atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			for range 50 {
				release, err := l.Acquire(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				raise(&most, running.Add(1))
				running.Add(-1)
				release()
			}
		})
	}
	wg.Wait()
	if got := most.Load(); got > 5 {
		t.Fatalf("%d decisions ran at once under a limit of 5", got)
	}
	if got := l.InFlight(); got != 0 {
		t.Fatalf("%d slots still held after every decision released", got)
	}
}

func TestLimiterResizesUnderLoad(t *testing.T) {
	l := NewLimiter(2)
	h := newHolders(l)
	h.start(t, 12)
	eventually(t, "2 decisions hold a slot", func() bool { return h.running.Load() == 2 })

	// Growing lets waiting decisions in at once, without any release.
	l.Resize(6)
	eventually(t, "6 decisions hold a slot after growing to 6", func() bool { return h.running.Load() == 6 })
	if got := l.InFlight(); got != 6 {
		t.Fatalf("InFlight = %d, want 6", got)
	}

	// Shrinking lets running decisions finish, and no new one starts
	// until fewer than the new limit run.
	l.Resize(3)
	h.most.Store(0)
	for range 3 {
		h.letGo <- struct{}{}
	}
	eventually(t, "3 decisions run after 3 of 6 left", func() bool { return h.running.Load() == 3 && l.InFlight() == 3 })
	if got := h.most.Load(); got > 0 {
		t.Fatalf("a decision started while %d ran under a limit of 3", h.running.Load())
	}
	// Releasing one lets exactly one more in.
	h.letGo <- struct{}{}
	eventually(t, "a waiting decision took the freed slot", func() bool { return h.most.Load() == 3 })
	if got := l.InFlight(); got != 3 {
		t.Fatalf("InFlight = %d after one release, want 3", got)
	}
	close(h.letGo)
	h.done.Wait()
	if got := h.most.Load(); got > 3 {
		t.Fatalf("%d decisions ran at once after shrinking to 3", got)
	}
}

func TestLimiterAcquireEndsWithItsContext(t *testing.T) {
	l := NewLimiter(1)
	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error)
	go func() {
		_, err := l.Acquire(ctx)
		errs <- err
	}()
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire after cancel returned %v, want context.Canceled", err)
	}
	release()
	release() // a second call frees nothing more
	if got := l.InFlight(); got != 0 {
		t.Fatalf("InFlight = %d after releasing the only slot twice, want 0", got)
	}
	if _, err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := l.InFlight(); got != 1 {
		t.Fatalf("InFlight = %d, want 1: the double release must not have made room for two", got)
	}
}

func TestLimiterExportsGauges(t *testing.T) {
	limit := prometheus.NewGauge(prometheus.GaugeOpts{Name: "limit"})
	inFlight := prometheus.NewGauge(prometheus.GaugeOpts{Name: "in_flight"})
	l := NewLimiter(4)
	l.Export(limit, inFlight)
	if got := testutil.ToFloat64(limit); got != 4 {
		t.Fatalf("limit gauge = %v, want 4", got)
	}
	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(inFlight); got != 1 {
		t.Fatalf("in-flight gauge = %v, want 1", got)
	}
	l.Resize(10)
	if got := testutil.ToFloat64(limit); got != 10 {
		t.Fatalf("limit gauge = %v after Resize(10), want 10", got)
	}
	release()
	if got := testutil.ToFloat64(inFlight); got != 0 {
		t.Fatalf("in-flight gauge = %v after release, want 0", got)
	}
}

func TestTuningApply(t *testing.T) {
	defaults := Values{Parallelism: 512, PercentOfClustersToScore: 100, CacheSyncTimeout: 3 * time.Second, EstimatorTimeout: DefaultEstimatorTimeout}
	tu := New(defaults)
	if got := tu.Limiter().Limit(); got != 512 {
		t.Fatalf("limit without a KarmadaConfig = %d, want the 512 workers", got)
	}
	tu.Apply(Values{Parallelism: 10, PercentOfClustersToScore: 50, CacheSyncTimeout: 30 * time.Second, EstimatorTimeout: 30 * time.Second})
	if got := tu.Limiter().Limit(); got != 10 {
		t.Fatalf("limit = %d, want 10", got)
	}
	if got := tu.PercentOfClustersToScore(); got != 50 {
		t.Fatalf("PercentOfClustersToScore = %d, want 50", got)
	}
	if got, want := tu.CacheSyncTimeout(), 30*time.Second; got != want {
		t.Fatalf("CacheSyncTimeout = %v, want %v", got, want)
	}
	if got, want := tu.EstimatorTimeout(), 30*time.Second; got != want {
		t.Fatalf("EstimatorTimeout = %v, want %v", got, want)
	}
	tu.Apply(Values{Parallelism: 4096})
	if got := tu.Limiter().Limit(); got != 512 {
		t.Fatalf("limit = %d after asking for more than the workers, want 512", got)
	}
	tu.Apply(tu.Defaults())
	if got := tu.Values(); got != defaults {
		t.Fatalf("values after applying the defaults = %+v, want %+v", got, defaults)
	}
}
