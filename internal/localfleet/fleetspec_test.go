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
package localfleet

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"

	"kurator.dev/kurator/internal/join"
	"kurator.dev/kurator/internal/localcluster"
)

var testDefaults = localcluster.NodePool{Count: 2, CPU: "2", Memory: "4Gi", Pods: 50}

func TestDefaultFleetIsTheSeedFleet(t *testing.T) {
	g := NewWithT(t)
	onDisk, err := os.ReadFile("default-fleet.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	seed, err := os.ReadFile(filepath.Join("..", "..", "examples", "seed", "01-fleet.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(bytes.Equal(onDisk, seed)).To(BeTrue(), "internal/localfleet/default-fleet.yaml must be a copy of examples/seed/01-fleet.yaml")
	g.Expect(bytes.Equal(defaultFleet, seed)).To(BeTrue(), "embedded default fleet differs from the seed")
}

func TestParseDefaultFleet(t *testing.T) {
	g := NewWithT(t)
	spec, err := loadFleetSpec("", testDefaults)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(spec.Raw).To(Equal(defaultFleet))
	g.Expect(spec.Fleet.Name).To(Equal("global-production"))
	g.Expect(spec.Fleet.Namespace).To(Equal("kurator-system"))
	g.Expect(spec.Members).To(Equal([]localcluster.Config{
		{Name: "cluster-hangzhou", Role: localcluster.RoleMember, Nodes: testDefaults, Load: localcluster.DefaultLoadModel(),
			Labels: map[string]string{"region": "asia-east", "provider": "alibaba", "env": "production"}},
		{Name: "cluster-shanghai", Role: localcluster.RoleMember, Nodes: testDefaults, Load: localcluster.DefaultLoadModel(),
			Labels: map[string]string{"region": "asia-east", "provider": "huawei", "env": "production"}},
		{Name: "cluster-frankfurt", Role: localcluster.RoleMember, Nodes: testDefaults, Load: localcluster.DefaultLoadModel(),
			Labels: map[string]string{"region": "eu-central", "provider": "aws", "env": "production"}},
	}))
	g.Expect(spec.Fleet.Spec.Placement).NotTo(BeNil())
}

const fleetHead = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: f
`

func TestParseFleetSpecNodePools(t *testing.T) {
	g := NewWithT(t)
	raw := fleetHead + `  annotations:
    local.kurator.dev/node-pools: '{"b": {"count": 5, "memory": "64Gi"}, "c": {"cpu": "500m", "pods": 20}}'
    local.kurator.dev/simulated-load: '{"defaultRPS": 250}'
spec:
  clusters:
  - name: a
  - name: b
    labels: {tier: gpu}
  - name: c
`
	spec, err := parseFleetSpec([]byte(raw), testDefaults)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(spec.Fleet.Namespace).To(Equal(join.DefaultNamespace), "namespace defaults")
	load := localcluster.LoadModel{DefaultRPS: 250}
	g.Expect(spec.Members).To(Equal([]localcluster.Config{
		{Name: "a", Role: localcluster.RoleMember, Nodes: testDefaults, Load: load},
		{Name: "b", Role: localcluster.RoleMember, Nodes: localcluster.NodePool{Count: 5, CPU: "2", Memory: "64Gi", Pods: 50}, Load: load, Labels: map[string]string{"tier": "gpu"}},
		{Name: "c", Role: localcluster.RoleMember, Nodes: localcluster.NodePool{Count: 2, CPU: "500m", Memory: "4Gi", Pods: 20}, Load: load},
	}))
}

func TestParseFleetSpecErrors(t *testing.T) {
	withPools := func(pools string, clusters ...string) string {
		s := fleetHead + "  annotations:\n    local.kurator.dev/node-pools: '" + pools + "'\nspec:\n  clusters:\n"
		for _, c := range clusters {
			s += "  - name: " + c + "\n"
		}
		return s
	}
	cases := map[string]struct {
		raw  string
		want []string
	}{
		"not YAML":      {raw: "kind: [", want: []string{"not a valid Fleet"}},
		"wrong kind":    {raw: "apiVersion: fleet.kurator.dev/v1alpha1\nkind: Cluster\nmetadata: {name: f}\nspec: {clusters: [{name: a}]}\n", want: []string{"expected kind Fleet of fleet.kurator.dev/v1alpha1", "Cluster"}},
		"wrong version": {raw: "apiVersion: fleet.kurator.dev/v1\nkind: Fleet\nmetadata: {name: f}\nspec: {clusters: [{name: a}]}\n", want: []string{"expected kind Fleet", "fleet.kurator.dev/v1 Fleet"}},
		"no kind":       {raw: "metadata: {name: f}\nspec: {clusters: [{name: a}]}\n", want: []string{"expected kind Fleet"}},
		"unknown field": {raw: fleetHead + "spec:\n  clustrs:\n  - name: a\n", want: []string{"not a valid Fleet", `unknown field "clustrs"`}},
		"unknown field in a cluster": {
			raw:  fleetHead + "spec:\n  clusters:\n  - name: a\n    lables: {x: y}\n",
			want: []string{"not a valid Fleet", "lables"},
		},
		"no name":                        {raw: "apiVersion: fleet.kurator.dev/v1alpha1\nkind: Fleet\nspec: {clusters: [{name: a}]}\n", want: []string{"no metadata.name"}},
		"no clusters":                    {raw: fleetHead + "spec: {}\n", want: []string{"fleet f lists no clusters"}},
		"duplicate names":                {raw: fleetHead + "spec:\n  clusters:\n  - name: a\n  - name: b\n  - name: a\n", want: []string{`cluster name "a" is used twice`}},
		"control plane name reserved":    {raw: fleetHead + "spec:\n  clusters:\n  - name: kurator\n", want: []string{`cluster name "kurator"`, "reserved for the local fleet"}},
		"upper case name":                {raw: fleetHead + "spec:\n  clusters:\n  - name: Hangzhou\n", want: []string{`cluster name "Hangzhou"`, "RFC 1123"}},
		"dotted name is not a DNS label": {raw: fleetHead + "spec:\n  clusters:\n  - name: a.b\n", want: []string{`cluster name "a.b"`}},
		"annotation is not JSON":         {raw: withPools(`{"a": `, "a"), want: []string{"annotation local.kurator.dev/node-pools"}},
		"annotation has an unknown field": {
			raw:  withPools(`{"a": {"nodes": 5}}`, "a"),
			want: []string{"annotation local.kurator.dev/node-pools", `unknown field "nodes"`},
		},
		"load annotation has an unknown field": {
			raw:  fleetHead + "  annotations:\n    local.kurator.dev/simulated-load: '{\"rps\": 5}'\nspec:\n  clusters:\n  - name: a\n",
			want: []string{"annotation local.kurator.dev/simulated-load", `unknown field "rps"`},
		},
		"load annotation is negative": {
			raw:  fleetHead + "  annotations:\n    local.kurator.dev/simulated-load: '{\"defaultRPS\": -1}'\nspec:\n  clusters:\n  - name: a\n",
			want: []string{"defaultRPS -1 must not be negative"},
		},
		"annotation names an unknown cluster": {
			raw:  withPools(`{"a": {"count": 1}, "x": {"count": 1}}`, "a"),
			want: []string{`names cluster "x", which the fleet does not list`},
		},
		"annotation names the control plane": {
			raw:  withPools(`{"kurator": {"count": 1}}`, "a"),
			want: []string{`names cluster "kurator", which the fleet does not list`},
		},
		"bad cpu quantity":    {raw: withPools(`{"a": {"cpu": "lots"}}`, "a"), want: []string{"cluster a", `node cpu "lots"`}},
		"bad memory quantity": {raw: withPools(`{"a": {"memory": "16GB!"}}`, "a"), want: []string{"cluster a", `node memory "16GB!"`}},
		"too many nodes":      {raw: withPools(`{"a": {"count": 1001}}`, "a"), want: []string{"cluster a", "node count 1001 out of range"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			spec, err := parseFleetSpec([]byte(tc.raw), testDefaults)
			g.Expect(err).To(HaveOccurred())
			g.Expect(spec).To(BeNil())
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

func TestLoadFleetSpecFromFile(t *testing.T) {
	g := NewWithT(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	g.Expect(os.WriteFile(good, []byte(fleetHead+"spec:\n  clusters:\n  - name: a\n"), 0o600)).To(Succeed())
	spec, err := loadFleetSpec(good, testDefaults)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(spec.Members).To(HaveLen(1))

	bad := filepath.Join(dir, "bad.yaml")
	g.Expect(os.WriteFile(bad, []byte(fleetHead+"spec: {}\n"), 0o600)).To(Succeed())
	_, err = loadFleetSpec(bad, testDefaults)
	g.Expect(err).To(MatchError(HavePrefix(bad + ": fleet f lists no clusters")))

	_, err = loadFleetSpec(filepath.Join(dir, "missing.yaml"), testDefaults)
	g.Expect(err).To(MatchError(ContainSubstring("read fleet file")))
	g.Expect(err).To(MatchError(os.ErrNotExist))
}
