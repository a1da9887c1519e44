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

package components

import (
	"testing"

	. "github.com/onsi/gomega"
)

// The agent chart's container runs exactly the arguments of the agent's
// description, its placeholders turned into the values' expressions.
func TestAgentChartArgsAreTheDescriptions(t *testing.T) {
	g := NewWithT(t)
	files, err := AgentChart(ChartAppVersion)
	g.Expect(err).NotTo(HaveOccurred())
	container := expectChartArgs(g, string(files["templates/deployment.yaml"]), agentPlaceholders,
		HostAgent("__CLUSTER_NAME__", "__CONTROL_PLANE__", "__NAMESPACE__",
			AgentLease{Duration: "__LEASE_DURATION__", RenewInterval: "__LEASE_RENEW_INTERVAL__"}).Args)
	g.Expect(container["command"]).To(BeEquivalentTo([]any{"/usr/local/bin/kurator-agent"}))
	for _, arg := range []string{
		"--cert-dir=/var/run/kurator-agent",
		"--control-plane-ca-file=/etc/kurator-agent/bootstrap/ca.crt",
		"--bootstrap-token-file=/etc/kurator-agent/bootstrap/token",
		"--credentials-secret={{ .Release.Namespace }}/kurator-agent-credentials",
		"--cluster-lease-renew-interval={{ .Values.leaseRenewInterval }}",
	} {
		g.Expect(string(files["templates/deployment.yaml"])).To(ContainSubstring("- "+arg+"\n"), arg)
	}
	// No placeholder is left for Helm to pass through literally.
	for path, content := range files {
		g.Expect(string(content)).NotTo(MatchRegexp(`__[A-Z_]+__`), path)
	}
}
