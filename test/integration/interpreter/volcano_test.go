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

package interpreter_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestVolcanoJobIsDividedAsWholeGangs: the built-in Volcano Job
// interpreter and the scheduler's gang rule together. Eight replicas
// (ps 2, worker 6) with minAvailable 4 over two clusters: each gets a
// complete gang of 4 (ps 1, worker 3, minAvailable 4). Over three clusters
// an even division (3/3/2) would leave every piece below the gang, so the
// job runs whole in one. No Volcano runs in the members: the test writes
// the copies' status, as Volcano's controller would.
func TestVolcanoJobIsDividedAsWholeGangs(t *testing.T) {
	t.Parallel()
	gvr := installCRDOf(t, "batch.volcano.sh", "Job", "jobs")
	const ns = "volcano"
	createNamespace(t, ns)
	job := func(name string) string {
		return `
apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata: {name: ` + name + `}
spec:
  minAvailable: 4
  schedulerName: volcano
  tasks:
  - name: ps
    replicas: 2
    template: {spec: {containers: [{name: ps, image: trainer, resources: {requests: {cpu: 500m}}}]}}
  - name: worker
    replicas: 6
    template: {spec: {containers: [{name: worker, image: trainer, resources: {requests: {cpu: "1"}}}]}}
`
	}
	policy := func(name string, clusters string) string {
		return `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: ` + name + `}
spec:
  resourceSelectors: [{apiVersion: batch.volcano.sh/v1alpha1, kind: Job, name: ` + name + `}]
  placement:
    clusterAffinity: {clusterNames: [` + clusters + `]}
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}
`
	}
	apply(t, ns, job("pair")+"---"+policy("pair", "cluster-hangzhou, cluster-shanghai")+"---"+job("trio")+"---"+
		policy("trio", "cluster-hangzhou, cluster-shanghai, cluster-frankfurt"))

	tasks := func(obj *unstructured.Unstructured) []int64 {
		list, _, _ := unstructured.NestedSlice(obj.Object, "spec", "tasks")
		out := make([]int64, len(list))
		for i, task := range list {
			out[i], _, _ = unstructured.NestedInt64(task.(map[string]any), "replicas")
		}
		return out
	}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(decision(g, ns, "pair-job")).To(Equal(map[string]int32{"cluster-hangzhou": 4, "cluster-shanghai": 4}))
		for _, m := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			obj := memberObject(g, t, m, gvr, ns, "pair")
			g.Expect(obj).NotTo(BeNil(), m)
			min, _, _ := unstructured.NestedInt64(obj.Object, "spec", "minAvailable")
			g.Expect(min).To(Equal(int64(4)), m)
			g.Expect(tasks(obj)).To(Equal([]int64{1, 3}), m)
		}
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "two complete gangs of 4")
	NewWithT(t).Eventually(func(g Gomega) {
		trio := decision(g, ns, "trio-job")
		g.Expect(trio).To(HaveLen(1), "%v", trio)
		for _, n := range trio {
			g.Expect(n).To(Equal(int32(8)))
		}
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "no piece of a 3/3/2 division is a gang: the job runs whole")

	// Volcano (the test) runs both copies; the template reads Running.
	NewWithT(t).Eventually(func(g Gomega) {
		for _, m := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			setMemberStatus(g, t, m, gvr, ns, "pair", map[string]any{"state": map[string]any{"phase": "Running"}, "running": int64(4), "minAvailable": int64(4)})
		}
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Eventually(func(g Gomega) {
		tpl := &unstructured.Unstructured{}
		tpl.SetGroupVersionKind(gvr.GroupVersion().WithKind("Job"))
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "pair"}, tpl)).To(Succeed())
		phase, _, _ := unstructured.NestedString(tpl.Object, "status", "state", "phase")
		running, _, _ := unstructured.NestedInt64(tpl.Object, "status", "running")
		g.Expect(phase).To(Equal("Running"))
		g.Expect(running).To(Equal(int64(8)))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed(), "the fleet's job status")
}
