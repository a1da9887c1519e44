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
	"strconv"
	"testing"
	"time"

	"kurator.dev/kurator/internal/clusterproperties"
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

// BenchmarkPerfScheduleObjective is the grid's dynamic cells governed by
// an objective (cost, performance and carbon, a 99.9% SLO, the default
// stability rules) over clusters that carry prices, intensities and SLIs.
// Like BenchmarkPerfSchedule it shares one snapshot across decisions, so
// each cluster's properties are read once; the ColdSnapshot cell builds
// the snapshot anew for every decision, reading them every time.
func BenchmarkPerfScheduleObjective(b *testing.B) {
	s, err := New(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"DynamicWeight", "Aggregated", "DynamicWeightScaleUp", "DynamicWeightColdSnapshot"} {
		for _, k := range benchgrid.Sizes {
			clusters, successRate := pricedGrid(k)
			placement := benchgrid.Placements(k)["DynamicWeight"]
			if name == "Aggregated" {
				placement = benchgrid.Placements(k)["Aggregated"]
			}
			governed := func(replicas int64) *framework.Workload {
				w := benchgrid.Workload(replicas, placement)
				w.Objective = &framework.Objective{Cost: 1, Performance: 1, Carbon: 1, MinSuccessRate: 99.9, SuccessRate: successRate, Now: objectiveNow,
					Stability: framework.Stability{MinSavingPercent: 10, SustainFor: time.Hour, Cooldown: time.Hour, MaxMovePercent: 25, StepInterval: time.Minute}}
				return w
			}
			snap := &framework.Snapshot{Clusters: clusters}
			w := governed(benchgrid.Replicas)
			if name == "DynamicWeightScaleUp" {
				first, err := s.Schedule(context.Background(), snap, governed(benchgrid.ScaleUpFrom))
				if err != nil {
					b.Fatal(err)
				}
				w.Previous = first.Clusters
			}
			b.Run(fmt.Sprintf("%s/K=%d", name, k), func(b *testing.B) {
				var selected int
				for b.Loop() {
					if name == "DynamicWeightColdSnapshot" {
						snap = &framework.Snapshot{Clusters: make([]*framework.ClusterInfo, len(clusters))}
						for i, c := range clusters {
							snap.Clusters[i] = &framework.ClusterInfo{Cluster: c.Cluster}
						}
					}
					res, err := s.Schedule(context.Background(), snap, w)
					if err != nil {
						b.Fatal(err)
					}
					if res.Explanation.Move == nil {
						b.Fatalf("the objective did not divide: %s", res.Explanation.Division)
					}
					selected = len(res.Clusters)
				}
				b.ReportMetric(float64(selected), "clusters")
			})
		}
	}
}

// pricedGrid is the grid's clusters with properties as an exporter would
// label them: on-demand prices of 0.030-0.040 USD per vCPU-hour, every
// seventh cluster spot at a quarter of that, intensities of 40-800
// gCO2eq/kWh, every fiftieth cluster without a price; and an SLI for each,
// every thirtieth below 99.9%.
func pricedGrid(k int) ([]*framework.ClusterInfo, map[string]float64) {
	clusters := benchgrid.Clusters(k)
	successRate := make(map[string]float64, k)
	for i, c := range clusters {
		labels := c.Cluster.Labels
		vcpu := 0.030 + 0.001*float64(i%11)
		if i%50 != 49 {
			labels[clusterproperties.VCPUHourUSD] = strconv.FormatFloat(vcpu, 'f', 3, 64)
			labels[clusterproperties.GiBHourUSD] = strconv.FormatFloat(vcpu/8, 'f', 5, 64)
		}
		if i%7 == 3 {
			labels[clusterproperties.CapacityType] = clusterproperties.CapacitySpot
			labels[clusterproperties.SpotVCPUHourUSD] = strconv.FormatFloat(vcpu/4, 'f', 4, 64)
			labels[clusterproperties.SpotGiBHourUSD] = strconv.FormatFloat(vcpu/32, 'f', 5, 64)
		}
		labels[clusterproperties.CarbonIntensity] = strconv.Itoa(40 + (i*37)%760)
		successRate[c.Name()] = 99.95 + 0.01*float64(i%5)
		if i%30 == 29 {
			successRate[c.Name()] = 99.5
		}
	}
	return clusters, successRate
}
