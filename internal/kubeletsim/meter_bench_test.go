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

package kubeletsim

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
)

// BenchmarkMeterScrape1000Pods is the cost of the metrics pipeline's source:
// one member with 1,000 Ready pods behind 100 Services, scraped as
// Prometheus would (collect and encode). It reports the scrape size and the
// CPU time per scrape; the load model's one-second tick is measured apart.
func BenchmarkMeterScrape1000Pods(b *testing.B) {
	clk := clocktesting.NewFakeClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	pods := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	services := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for s := range 100 {
		app := fmt.Sprintf("app-%d", s)
		_ = services.Add(service(app, map[string]string{"app": app}, nil))
		for i := range 10 {
			name := fmt.Sprintf("%s-abc-%d", app, i)
			_ = pods.Add(readyPod(name, map[string]string{"app": app, "pod-template-hash": "abc"}, func(p *corev1.Pod) {
				p.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: app + "-abc", Controller: ptr.To(true)}}
				p.Annotations = map[string]string{ErrorRateAnnotation: "0.01"}
			}))
		}
	}
	m := newMeter("c1", []string{"c1-node-0"}, 100, clk)
	m.attach(m.log, corelisters.NewPodLister(pods), corelisters.NewServiceLister(services), &istioRoutes{})
	m.Tick()
	clk.Step(time.Second)
	registry := prometheus.NewRegistry()
	registry.MustRegister(m)

	b.Run("tick", func(b *testing.B) {
		for b.Loop() {
			clk.Step(time.Second)
			m.Tick()
		}
	})
	b.Run("scrape", func(b *testing.B) {
		var size, series int
		for b.Loop() {
			clk.Step(5 * time.Second)
			families, err := registry.Gather()
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
			series = 0
			for _, f := range families {
				if err := enc.Encode(f); err != nil {
					b.Fatal(err)
				}
				series += len(f.Metric)
			}
			size = buf.Len()
		}
		b.ReportMetric(float64(size)/1024, "KiB/scrape")
		b.ReportMetric(float64(series), "series")
	})
}
