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
	"bytes"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/cli"
)

func kurator(t *testing.T, args ...string) (int, string) {
	t.Helper()
	out := &bytes.Buffer{}
	code := cli.ExecuteContext(t.Context(), "kurator", append(args, "--kubeconfig", fleet.Layout().Kubeconfig(), "--context", "kurator"),
		genericiooptions.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: out})
	return code, out.String()
}

// cordon keeps new placements off a cluster and leaves running ones; drain
// moves everything off gracefully; uncordon lets placements return;
// rebalance reschedules from scratch.
func TestCordonDrainUncordonRebalance(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "ops-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	all := []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}
	spread := func(name string) (*policyv1alpha1.PropagationPolicy, func()) {
		d, _ := duplicated(ns.Name)
		d.Name = name
		d.Spec.Selector.MatchLabels = map[string]string{"app": name}
		d.Spec.Template.Labels = map[string]string{"app": name}
		six := int32(6)
		d.Spec.Replicas = &six
		pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns.Name}, Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: name}},
			Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: all},
				ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
					ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
		}}
		return pp, func() {
			g.Expect(fleet.ControlPlane.Create(ctx, d)).To(Succeed())
			g.Expect(fleet.ControlPlane.Create(ctx, pp)).To(Succeed())
		}
	}

	// Three equal clusters share six replicas, two each.
	_, create := spread("before")
	create()
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "before-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-hangzhou": 2, "cluster-shanghai": 2, "cluster-frankfurt": 2}))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Cordoned: a new workload avoids frankfurt, the running one stays.
	code, out := kurator(t, "cordon", "cluster-frankfurt")
	g.Expect(code).To(Equal(0), out)
	_, create = spread("after")
	create()
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "after-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-hangzhou": 3, "cluster-shanghai": 3}))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	got, _ := decision(g, ns.Name, "before-deployment")
	g.Expect(got).To(HaveKey("cluster-frankfurt"))

	// Drained: everything leaves frankfurt, and its copies are removed.
	code, out = kurator(t, "drain", "cluster-frankfurt", "--wait", "--timeout", "90s")
	g.Expect(code).To(Equal(0), out)
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "before-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-hangzhou": 3, "cluster-shanghai": 3}))
		_, err := member(g, "cluster-frankfurt", ns.Name, "before")
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "copy still in frankfurt: %v", err)
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Uncordoned and rebalanced: the workload spreads over all three again.
	code, out = kurator(t, "uncordon", "cluster-frankfurt")
	g.Expect(code).To(Equal(0), out)
	// Rescheduling is recorded to the second; let the last decision's
	// second pass so the request is newer than it.
	g.Eventually(func(g Gomega) {
		code, out = kurator(t, "rebalance", "-n", ns.Name, "deployment/before")
		g.Expect(code).To(Equal(0), out)
		got, _ := decision(g, ns.Name, "before-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-hangzhou": 2, "cluster-shanghai": 2, "cluster-frankfurt": 2}))
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
}
