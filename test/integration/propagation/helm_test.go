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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/action"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/localfleet"
)

// Helm 4's install with --wait (its kstatus waiter) succeeds on the control
// plane for 'helm create's chart once the members run it: divided over two
// members and duplicated to three.
func TestHelmInstallWaits(t *testing.T) {
	for name, placement := range map[string]policyv1alpha1.Placement{"divided over two": dividedOverTwo, "duplicated to three": {}} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			ns := namespace(t, g, "helm")
			releasePolicy(t, g, ns, placement)

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

// A chart whose Pods cannot run in a member fails Helm 4's --wait as soon as
// that member passes its progress deadline, and Helm's error names the
// member (kstatus reports the control plane's Stalled condition).
func TestHelmInstallOfUnrunnableChartNamesTheMember(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "helm-stuck")
	releasePolicy(t, g, ns, policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai"}}})
	dir, err := chartutil.Create("stuck", t.TempDir())
	g.Expect(err).NotTo(HaveOccurred())
	// The chart's Deployment gives up after 5 s rather than the default 10 min.
	manifest := filepath.Join(dir, "templates", "deployment.yaml")
	data, err := os.ReadFile(manifest)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(os.WriteFile(manifest, []byte(strings.Replace(string(data), "\nspec:\n", "\nspec:\n  progressDeadlineSeconds: 5\n", 1)), 0o644)).To(Succeed())
	chart, err := chartloader.Load(dir)
	g.Expect(err).NotTo(HaveOccurred())

	kubeconfig := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	cfg := action.NewConfiguration()
	g.Expect(cfg.Init(&genericclioptions.ConfigFlags{KubeConfig: &kubeconfig, Namespace: &ns}, ns, "secret")).To(Succeed())
	install := action.NewInstall(cfg)
	install.ReleaseName, install.Namespace = "stuck", ns
	install.WaitStrategy, install.Timeout = kube.StatusWatcherStrategy, 90*time.Second
	started := time.Now()
	// More CPU than any node of the members has: the Pod stays Pending.
	_, err = install.RunWithContext(t.Context(), chart, map[string]any{"resources": map[string]any{"requests": map[string]any{"cpu": "500"}}})
	g.Expect(err).To(MatchError(And(ContainSubstring("status: Failed"), ContainSubstring("cluster-shanghai"))))
	t.Logf("helm install --wait failed after %s: %v", time.Since(started).Round(100*time.Millisecond), err)
	g.Expect(err).NotTo(MatchError(ContainSubstring("context deadline exceeded")), "Helm should stop at the failure, not at its timeout")
}
