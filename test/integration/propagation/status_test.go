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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// A Deployment's status on the control plane reads as one cluster's to the
// libraries the ecosystem waits with: kstatus (Helm 4, Flux, kpt) reaches
// Current, 'kubectl rollout status' completes and the Available condition
// that 'kubectl wait' reads is True, for divided and duplicated placements
// alike (Karmada would read 6/2 for the duplicated one).
func TestDeploymentStatusReadsAsOneCluster(t *testing.T) {
	for name, placement := range map[string]policyv1alpha1.Placement{
		"divided": {ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
		"duplicated": {},
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			ns := namespace(t, g, "status-"+name)
			g.Expect(fleet.ControlPlane.Create(t.Context(), deployment(ns, "web", 4))).To(Succeed())
			g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
				Spec: policyv1alpha1.PropagationSpec{
					ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
					Placement:         placement,
				},
			})).To(Succeed())
			g.Eventually(func(g Gomega) {
				tpl := &appsv1.Deployment{}
				g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "web"}, tpl)).To(Succeed())
				obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(tpl)
				g.Expect(err).NotTo(HaveOccurred())
				u := &unstructured.Unstructured{Object: obj}
				u.SetAPIVersion("apps/v1")
				u.SetKind("Deployment")
				res, err := kstatus.Compute(u)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(res.Status).To(Equal(kstatus.CurrentStatus), res.Message)
				viewer, err := polymorphichelpers.StatusViewerFor(appsv1.SchemeGroupVersion.WithKind("Deployment").GroupKind())
				g.Expect(err).NotTo(HaveOccurred())
				_, done, err := viewer.Status(u, 0)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(done).To(BeTrue())
				g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(4)))
				available := false
				for _, c := range tpl.Status.Conditions {
					available = available || c.Type == appsv1.DeploymentAvailable && c.Status == "True"
				}
				g.Expect(available).To(BeTrue())
			}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
		})
	}
}
