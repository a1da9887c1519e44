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

package install

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
)

// The chart renders with its defaults: three etcd members named by the
// StatefulSet's pods, a quorum of two in the budget.
func TestTemplateDefaults(t *testing.T) {
	g := NewWithT(t)
	manifest, err := Template("ns1", map[string]any{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(manifest).To(ContainSubstring("--etcd-initial-cluster=kurator-0=https://kurator-0.kurator-peers.ns1.svc:2380,kurator-1=https://kurator-1.kurator-peers.ns1.svc:2380,kurator-2=https://kurator-2.kurator-peers.ns1.svc:2380\n"))
	g.Expect(manifest).To(ContainSubstring("minAvailable: 2\n"))
	g.Expect(strings.Count(manifest, "kind: PodDisruptionBudget")).To(Equal(2))
	g.Expect(manifest).NotTo(ContainSubstring("kind: Role"))
}

// An even number of etcd members is refused by the chart itself.
func TestTemplateRefusesEvenReplicas(t *testing.T) {
	g := NewWithT(t)
	_, err := Template("ns1", map[string]any{"controlPlane": map[string]any{"replicas": 4}})
	g.Expect(err).To(MatchError(ContainSubstring("controlPlane.replicas must be odd")))
}
