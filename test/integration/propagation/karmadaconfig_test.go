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
package propagation_test

import (
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// controllerManagerMetric reads one gauge or counter of the fleet's
// controller-manager.
func controllerManagerMetric(g Gomega, name string) float64 {
	req, err := http.NewRequestWithContext(bg(), http.MethodGet, "http://"+controllerManagerMetrics+"/metrics", nil)
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	f, ok := families[name]
	g.Expect(ok).To(BeTrue(), "the controller-manager exports no %s", name)
	g.Expect(f.GetMetric()).To(HaveLen(1))
	m := f.GetMetric()[0]
	switch f.GetType() {
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	}
	g.Expect(f.GetType()).To(BeElementOf(dto.MetricType_GAUGE, dto.MetricType_COUNTER))
	return 0
}

// expectInForce waits until the seed's KarmadaConfig is applied at its
// current generation with the given parallelism, and the running scheduler
// has it.
func expectInForce(g Gomega, parallelism int32) {
	g.Eventually(func(g Gomega) {
		kc := &karmadaconfigv1alpha1.KarmadaConfig{}
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Name: "performance-tuning"}, kc)).To(Succeed())
		c := apimeta.FindStatusCondition(kc.Status.Conditions, karmadaconfigv1alpha1.ConditionApplied)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue), c.Message)
		g.Expect(c.ObservedGeneration).To(Equal(kc.Generation))
		g.Expect(kc.Status.Effective).To(HaveValue(Equal(karmadaconfigv1alpha1.EffectiveSettings{
			Parallelism: parallelism, PercentOfNodesToScore: 50,
			CacheSyncTimeout: metav1.Duration{Duration: 30 * time.Second}, EstimatorTimeout: metav1.Duration{Duration: 30 * time.Second},
		})))
		g.Expect(controllerManagerMetric(g, "kurator_scheduler_parallelism")).To(Equal(float64(parallelism)))
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
}

// KarmadaConfig changes take effect live: seed 10, applied unchanged, is
// put in force by the running controller-manager (parallelism 10 on its
// /metrics); lowering parallelism to 3 takes effect without a restart while
// workloads still get scheduled; deleting it brings the default back.
func TestKarmadaConfigChangesTakeEffectLive(t *testing.T) {
	g := NewWithT(t)
	started := controllerManagerMetric(g, "process_start_time_seconds")
	t.Cleanup(func() {
		// The fleet is shared: leave the scheduler at its defaults.
		kc := &karmadaconfigv1alpha1.KarmadaConfig{ObjectMeta: metav1.ObjectMeta{Name: "performance-tuning"}}
		if err := fleet.ControlPlane.Delete(bg(), kc); err != nil && !apierrors.IsNotFound(err) {
			t.Error(err)
		}
	})
	applySeed(t, g, "10-scheduler-tuning.yaml", "")
	expectInForce(g, 10)

	patch := client.RawPatch(types.MergePatchType, []byte(`{"spec":{"scheduler":{"parallelism":3}}}`))
	kc := &karmadaconfigv1alpha1.KarmadaConfig{ObjectMeta: metav1.ObjectMeta{Name: "performance-tuning"}}
	g.Expect(fleet.ControlPlane.Patch(t.Context(), kc, patch)).To(Succeed())
	expectInForce(g, 3)

	// Decisions go on under the new limit.
	ns := namespace(t, g, "tuned")
	applySeed(t, g, "06-nginx-weighted.yaml", ns)
	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "nginx-deployment")
		g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionScheduled)).To(BeTrue())
		g.Expect(decision(rb)).To(Equal(map[string]int32{"cluster-hangzhou": 6, "cluster-shanghai": 4}))
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(controllerManagerMetric(g, "kurator_scheduler_decisions_in_flight")).To(BeNumerically("<=", 3))
	g.Expect(controllerManagerMetric(g, "kurator_scheduler_parallelism")).To(Equal(float64(3)))

	g.Expect(fleet.ControlPlane.Delete(t.Context(), kc)).To(Succeed())
	g.Eventually(func(g Gomega) {
		// Without a KarmadaConfig every worker of both binding kinds decides.
		g.Expect(controllerManagerMetric(g, "kurator_scheduler_parallelism")).To(Equal(float64(2 * karmadaconfigv1alpha1.MaxParallelism)))
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(controllerManagerMetric(g, "process_start_time_seconds")).To(Equal(started), "the controller-manager restarted")
}
