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
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/internal/localcluster"
)

// The container of the chart's StatefulSet runs exactly the arguments of
// the control-plane description, which kurator-cluster parses back.
func TestHostControlPlaneArgsAreTheDescriptions(t *testing.T) {
	g := NewWithT(t)
	files, err := HostChart(ChartAppVersion)
	g.Expect(err).NotTo(HaveOccurred())
	expectChartArgs(g, string(files["templates/controlplane.yaml"]), hostPlaceholders,
		ControlPlane(HostControlPlaneConfig("__NAMESPACE__", "__INITIAL_CLUSTER__"), Resources{}).Args)

	parsed, err := localcluster.ParseArgs(ControlPlane(HostControlPlaneConfig("ns", "kurator-0=https://kurator-0.kurator-peers.ns.svc:2380"), Resources{}).Args)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(parsed.Etcd.PeerTLS).To(BeTrue())
	g.Expect(parsed.Etcd.AdvertisePeerURL).To(Equal("https://$(POD_NAME).kurator-peers.ns.svc:2380"))
}

// expectChartArgs checks that the one container of a chart's workload has
// the description's arguments, its placeholders turned into the chart's
// expressions. Template expressions are not YAML: both sides name them
// alike. It returns the container.
func expectChartArgs(g Gomega, workload string, placeholders map[string]string, want []string) map[string]any {
	expr := regexp.MustCompile(`\{\{[^}]*\}\}`)
	want = slices.Clone(want)
	for i := range want {
		for placeholder, e := range placeholders {
			want[i] = strings.ReplaceAll(want[i], placeholder, e)
		}
		want[i] = expr.ReplaceAllString(want[i], "EXPR")
	}
	text := expr.ReplaceAllString(workload, "EXPR")
	start := strings.Index(text, "      containers:\n")
	end := strings.Index(text, "        resources:\n")
	g.Expect(start).To(BeNumerically(">", 0))
	var containers []map[string]any
	g.Expect(yaml.Unmarshal([]byte(text[start+len("      containers:\n"):end]), &containers)).To(Succeed())
	g.Expect(containers).To(HaveLen(1))
	g.Expect(containers[0]["args"]).To(BeEquivalentTo(toAny(want)))
	return containers[0]
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// The controller-manager's container elects a leader with the values'
// timings and installs the APIs.
func TestHostControllerManagerArgs(t *testing.T) {
	g := NewWithT(t)
	files, err := HostChart(ChartAppVersion)
	g.Expect(err).NotTo(HaveOccurred())
	text := string(files["templates/controller-manager.yaml"])
	for _, arg := range []string{
		"--leader-elect-identity=$(POD_NAME)",
		"--leader-elect-lease-duration={{ .Values.controllerManager.leaseDuration }}",
		"--install-apis=true",
		"--kubeconfig=/etc/kurator/controller-manager/kubeconfig",
		"--metrics-bind-address=:8080",
	} {
		g.Expect(text).To(ContainSubstring("- "+arg+"\n"), arg)
	}
}

// charts/kurator and charts/kurator-agent are what hack/chartgen writes:
// make generate was run.
func TestChartsInRepositoryAreGenerated(t *testing.T) {
	for dir, render := range map[string]func(string) (map[string][]byte, error){"kurator": HostChart, "kurator-agent": AgentChart} {
		t.Run(dir, func(t *testing.T) {
			g := NewWithT(t)
			files, err := render(ChartAppVersion)
			g.Expect(err).NotTo(HaveOccurred())
			dir := filepath.Join("..", "..", "charts", dir)
			onDisk := map[string][]byte{}
			g.Expect(filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, path)
				data, err := os.ReadFile(path)
				onDisk[filepath.ToSlash(rel)] = data
				return err
			})).To(Succeed())
			g.Expect(onDisk).To(HaveLen(len(files)), "files of %s; run 'make generate'", dir)
			for path, content := range files {
				g.Expect(string(onDisk[path])).To(Equal(string(content)), "%s/%s is stale: run 'make generate'", dir, path)
			}
		})
	}
}
