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
package scheduler

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kurator.dev/kurator/internal/scheduler/benchgrid"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// decisionDigest is how the grid's golden file records a decision: the
// number of clusters and a SHA-256 of its "name:replicas" lines in name
// order.
func decisionDigest(ts []framework.TargetCluster) (int, string) {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s:%d\n", t.Name, t.Replicas)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return len(ts), hex.EncodeToString(sum[:])
}

// The benchmark grid's decisions are Karmada's: testdata/karmada-bench-grid.txt
// holds what Karmada's scheduler decides on the same inputs (written by
// hack/benchgrid as scenarios).
func TestBenchGridDecidesAsKarmada(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "karmada-bench-grid.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	want := map[string]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if line := lines.Text(); line != "" && !strings.HasPrefix(line, "#") {
			cell, digest, _ := strings.Cut(line, " ")
			want[cell] = digest
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range benchgrid.Sizes {
		snap := &framework.Snapshot{Clusters: benchgrid.Clusters(k)}
		for _, name := range benchgrid.Order {
			cell := fmt.Sprintf("%s/K=%d", name, k)
			p := benchgrid.Placements(k)[name]
			w := benchgrid.Workload(benchgrid.Replicas, p)
			if name == "DynamicWeightScaleUp" {
				first, err := s.Schedule(context.Background(), snap, benchgrid.Workload(benchgrid.ScaleUpFrom, p))
				if err != nil {
					t.Fatal(err)
				}
				w.Previous = first.Clusters
			}
			res, err := s.Schedule(context.Background(), snap, w)
			if err != nil {
				t.Fatalf("%s: %v", cell, err)
			}
			n, digest := decisionDigest(res.Clusters)
			if got := fmt.Sprintf("%d %s", n, digest); got != want[cell] {
				t.Errorf("%s: Kurator decides %s, Karmada %q", cell, got, want[cell])
			}
		}
	}
}
