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
	"context"
	"fmt"
	"testing"

	"kurator.dev/kurator/internal/scheduler/benchgrid"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func BenchmarkPerfSchedule(b *testing.B) {
	s, err := New(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range benchgrid.Order {
		for _, k := range benchgrid.Sizes {
			snap := &framework.Snapshot{Clusters: benchgrid.Clusters(k)}
			p := benchgrid.Placements(k)[name]
			w := benchgrid.Workload(benchgrid.Replicas, p)
			if name == "DynamicWeightScaleUp" {
				first, err := s.Schedule(context.Background(), snap, benchgrid.Workload(benchgrid.ScaleUpFrom, p))
				if err != nil {
					b.Fatal(err)
				}
				w.Previous = first.Clusters
			}
			b.Run(fmt.Sprintf("%s/K=%d", name, k), func(b *testing.B) {
				var selected int
				for b.Loop() {
					res, err := s.Schedule(context.Background(), snap, w)
					if err != nil {
						b.Fatal(err)
					}
					selected = len(res.Clusters)
				}
				b.ReportMetric(float64(selected), "clusters")
			})
		}
	}
}
