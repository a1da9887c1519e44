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
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/action"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/localfleet"
)

// Helm 4's install with --wait (its kstatus waiter) succeeds on the control
// plane for 'helm create's chart once the members run it: divided over two
// members and duplicated to three.
func TestHelmInstallWaits(t *testing.T) {
	for name, placement := range map[string]policyv1alpha1.Placement{
		"divided over two": {ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
		"duplicated to three": {},
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			ns := namespace(t, g, "helm")
			// The chart's objects propagate by a policy, as a platform team
			// would set one up for the namespace before releases land.
			g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "releases", Namespace: ns},
				Spec: policyv1alpha1.PropagationSpec{
					ResourceSelectors: []policyv1alpha1.ResourceSelector{
						{APIVersion: "apps/v1", Kind: "Deployment"}, {APIVersion: "v1", Kind: "Service"}, {APIVersion: "v1", Kind: "ServiceAccount"}},
					Placement: placement,
				},
			})).To(Succeed())

			dir, err := chartutil.Create("demo", t.TempDir())
			g.Expect(err).NotTo(HaveOccurred())
			chart, err := chartloader.Load(dir)
			g.Expect(err).NotTo(HaveOccurred())

			kubeconfig := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
			getter := &genericclioptions.ConfigFlags{KubeConfig: &kubeconfig, Namespace: &ns}
			cfg := action.NewConfiguration()
			g.Expect(cfg.Init(getter, ns, "secret")).To(Succeed())
			install := action.NewInstall(cfg)
			install.ReleaseName, install.Namespace = "demo", ns
			install.WaitStrategy, install.Timeout = kube.StatusWatcherStrategy, 90*time.Second
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			started := time.Now()
			_, err = install.RunWithContext(ctx, chart, map[string]any{"replicaCount": 4})
			g.Expect(err).NotTo(HaveOccurred())
			t.Logf("helm install --wait returned after %s", time.Since(started).Round(100*time.Millisecond))
			tpl := &appsv1.Deployment{}
			g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "demo"}, tpl)).To(Succeed())
			g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(4)))
		})
	}
}
