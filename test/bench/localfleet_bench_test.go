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
// Package bench holds benchmarks that need a real local fleet. Run them with
// 'make bench'; results go to BENCHMARKS.md.
package bench

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"kurator.dev/kurator/internal/localfleet"
)

// BenchmarkLocalFleetUp measures, per iteration: a first start from an empty
// state directory (fresh credentials, empty etcd), a restart after 'down'
// (state kept), a restart of one member, and the resident memory of every
// component once the fleet is Ready.
func BenchmarkLocalFleetUp(b *testing.B) {
	ctrllog.SetLogger(logr.Discard())
	var fresh, restart, member time.Duration
	var rssMiB float64
	for range b.N {
		dir := b.TempDir()
		f := localfleet.New(localfleet.Options{Dir: dir, DieWithParent: true})
		ctx := context.Background()

		start := time.Now()
		if err := f.Up(ctx); err != nil {
			b.Fatal(err)
		}
		fresh += time.Since(start)
		rssMiB += fleetRSSMiB(b, f)

		if err := f.Down(false); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := f.Up(ctx); err != nil {
			b.Fatal(err)
		}
		restart += time.Since(start)

		if err := f.StopCluster("cluster-frankfurt"); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := f.StartCluster(ctx, "cluster-frankfurt"); err != nil {
			b.Fatal(err)
		}
		member += time.Since(start)
		if err := f.Down(true); err != nil {
			b.Fatal(err)
		}
	}
	n := float64(b.N)
	b.ReportMetric(fresh.Seconds()/n, "s/fresh-up")
	b.ReportMetric(restart.Seconds()/n, "s/restart-up")
	b.ReportMetric(member.Seconds()/n, "s/member-restart")
	b.ReportMetric(rssMiB/n, "MiB-RSS")
}

// fleetRSSMiB sums VmRSS of every component process and their children.
func fleetRSSMiB(b *testing.B, f *localfleet.Fleet) float64 {
	statuses, err := f.Status(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var kib int64
	for _, s := range statuses {
		if s.PID > 0 {
			kib += treeRSSKiB(s.PID)
		}
	}
	return float64(kib) / 1024
}

func treeRSSKiB(pid int) int64 {
	total := vmRSSKiB(pid)
	children, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "children"))
	for _, c := range children {
		data, err := os.ReadFile(c)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if child, err := strconv.Atoi(f); err == nil {
				total += treeRSSKiB(child)
			}
		}
	}
	return total
}

func vmRSSKiB(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				v, _ := strconv.ParseInt(fields[0], 10, 64)
				return v
			}
		}
	}
	return 0
}
