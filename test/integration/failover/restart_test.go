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
package failover

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
)

// The application failover's timer is kept on the binding: a restart of
// the controller-manager while a workload is unhealthy does not start it
// again, so the workload moves when the toleration counted from the first
// unhealthy report runs out, not a toleration after the restart.
func TestApplicationFailoverTimerSurvivesARestart(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	const toleration = 20 * time.Second
	const outage = 10 * time.Second
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "apprestart-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	createUnhealthyIn(g, ctx, ns.Name, "ailing", 2, toleration)

	// The timer of shanghai starts and is recorded on the binding.
	var since time.Time
	g.Eventually(func(g Gomega) {
		_, rb := decision(g, ns.Name, "ailing-deployment")
		timers := failover.DecodeUnhealthySince(rb)
		g.Expect(timers).To(HaveKey("cluster-shanghai"))
		since = timers["cluster-shanghai"]
	}).WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// The controller-manager is down for a while, then comes back.
	g.Expect(fleet.StopControllerManager(ctx, "")).To(Succeed())
	down := time.Now()
	g.Eventually(func() time.Duration { return time.Since(down) }).WithTimeout(outage + 5*time.Second).
		WithPolling(500 * time.Millisecond).Should(BeNumerically(">=", outage))
	g.Expect(fleet.StartControllerManager(ctx)).To(Succeed())

	// The eviction is counted from the recorded start: a timer started
	// again after the restart could not evict before since+outage+toleration.
	var task workv1alpha2.GracefulEvictionTask
	g.Eventually(func(g Gomega) {
		got, rb := decision(g, ns.Name, "ailing-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-hangzhou": 2}))
		g.Expect(rb.Spec.GracefulEvictionTasks).NotTo(BeEmpty())
		task = rb.Spec.GracefulEvictionTasks[0]
	}).WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Expect(task.FromCluster).To(Equal("cluster-shanghai"))
	g.Expect(task.Reason).To(Equal(failover.ReasonApplicationFailure))
	evictedAfter := task.CreationTimestamp.Sub(since)
	g.Expect(evictedAfter).To(BeNumerically(">=", toleration-time.Second), "evicted before the toleration ran out")
	g.Expect(evictedAfter).To(BeNumerically("<", toleration+outage-2*time.Second), "the timer started again after the restart")
}
