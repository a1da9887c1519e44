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
package localfleet_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/localfleet"
)

// 'kurator status' names a member as the control plane knows it: joined
// again under another name, it shows that name too.
func TestStatusNamesMembersAsTheControlPlaneDoes(t *testing.T) {
	g := NewWithT(t)
	hub := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	code, out := runCLI("join", "frankfurt-again", "--kubeconfig", fleet.Layout().ClusterKubeconfig("cluster-frankfurt"),
		"--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(0), out)
	defer func() {
		code, out := runCLI("unjoin", "frankfurt-again", "--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
		g.Expect(code).To(Equal(0), out)
		g.Eventually(func(g Gomega) {
			err := fleet.ControlPlane.Get(t0(), client.ObjectKey{Name: "frankfurt-again"}, &karmadaclusterv1alpha1.Cluster{})
			g.Expect(err).To(HaveOccurred())
		}).WithTimeout(30 * time.Second).Should(Succeed())
	}()
	g.Eventually(func(g Gomega) {
		code, out := runCLI("status", "--dir", fleet.Dir)
		g.Expect(code).To(Equal(0), out)
		g.Expect(out).To(MatchRegexp(`cluster-frankfurt\s+member\s.*ok \(also joined as frankfurt-again\)`))
		g.Expect(out).To(MatchRegexp(`cluster-shanghai\s+member\s.*ok\n`))
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
}
