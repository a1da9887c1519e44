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

package traffic

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/traffic/weights"
)

func TestParseObjectives(t *testing.T) {
	g := NewWithT(t)
	o, err := ParseObjectives(nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.Set).To(BeFalse())
	g.Expect(o.Interval).To(Equal(DefaultInterval))

	o, err = ParseObjectives(&networkingv1alpha1.TrafficSLO{MinSuccessRate: "99.5", MaxLatencyP99: &metav1.Duration{Duration: 500 * time.Millisecond}, Interval: &metav1.Duration{Duration: time.Second}, BreachWindows: 3})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o).To(Equal(Objectives{Set: true, MinSuccessRate: 99.5, MaxLatencyP99: 500 * time.Millisecond, Interval: MinInterval, BreachWindows: 3}))
	g.Expect(o.Breached(metricsprovider.SLI{SuccessRate: 99.6, P99LatencyMs: 400})).To(BeEmpty())
	g.Expect(o.Breached(metricsprovider.SLI{SuccessRate: 99.4, P99LatencyMs: 400})).To(Equal("success rate 99.4% below 99.5%"))
	g.Expect(o.Breached(metricsprovider.SLI{SuccessRate: 100, P99LatencyMs: 640})).To(Equal("P99 latency 640ms above 500ms"))

	_, err = ParseObjectives(&networkingv1alpha1.TrafficSLO{MinSuccessRate: "lots"})
	g.Expect(err).To(MatchError(ContainSubstring(`slo.minSuccessRate "lots"`)))
}

func TestGuardsOf(t *testing.T) {
	g := NewWithT(t)
	g.Expect(GuardsOf(nil)).To(Equal(weights.DefaultGuards()))
	got := GuardsOf(&networkingv1alpha1.WeightGuards{Cooldown: &metav1.Duration{Duration: 5 * time.Second}, MaxStep: ptrTo[int32](10)})
	want := weights.DefaultGuards()
	want.Cooldown, want.MaxStep = 5*time.Second, 10
	g.Expect(got).To(Equal(want))
}

func ptrTo[T any](v T) *T { return &v }
