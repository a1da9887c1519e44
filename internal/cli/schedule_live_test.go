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

package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scenario"
	"kurator.dev/kurator/internal/scheduler/estimator"
	kscheme "kurator.dev/kurator/internal/scheme"
)

// liveFleetOf turns an offline scenario into the live fleet it describes:
// its Clusters as the control plane would hold them (ready, their APIs
// discovered, no what-if annotation) and a node lister returning the
// nodes the scenario's annotation describes.
func liveFleetOf(t *testing.T, path string, edits ...func([]client.Object) []client.Object) (client.Reader, nodeLister, *atomic.Int32) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := sc.Build()
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string][]estimator.Node{}
	var objs []client.Object
	for _, info := range snap.Clusters {
		c := info.Cluster.DeepCopy()
		delete(c.Annotations, scenario.NodesAnnotation)
		c.Status.Conditions = []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue, Reason: "Ready", LastTransitionTime: metav1.Now()}}
		objs = append(objs, c)
		nodes[c.Name] = info.Nodes
	}
	calls := new(atomic.Int32)
	lister := func(_ context.Context, c *karmadaclusterv1alpha1.Cluster) ([]estimator.Node, error) {
		calls.Add(1)
		return nodes[c.Name], nil
	}
	for _, edit := range edits {
		objs = edit(objs)
	}
	return fake.NewClientBuilder().WithScheme(kscheme.Scheme).WithObjects(objs...).Build(), lister, calls
}

// A policy that targets a Fleet is placed within the fleet's clusters, with
// the fleet's default placement filling what it leaves unset, as the
// detector places it.
func TestScheduleLiveAppliesTheFleet(t *testing.T) {
	inFleet := map[string]bool{"cluster-hangzhou": true, "cluster-frankfurt": true}
	hub, nodes, _ := liveFleetOf(t, "../../examples/scenarios/nginx-weighted.yaml", func(objs []client.Object) []client.Object {
		for _, o := range objs {
			if inFleet[o.GetName()] {
				o.SetLabels(map[string]string{fleetv1alpha1.LabelFleetName: "edge"})
			}
		}
		return append(objs, &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "edge", Namespace: "default"},
			Spec: fleetv1alpha1.FleetSpec{Placement: &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
				ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided, ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceAggregated}}}})
	})
	data := []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx, namespace: default}
spec:
  replicas: 4
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: nginx:1.25}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata:
  name: to-edge
  namespace: default
  labels: {fleet.kurator.dev/name: edge}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: nginx}]
`)
	var out, errOut bytes.Buffer
	streams := genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}
	if err := runScheduleLive(context.Background(), streams, hub, nodes, "policy.yaml", data, outputYAML); err != nil {
		t.Fatalf("live: %v\n%s", err, errOut.String())
	}
	var rb workv1alpha2.ResourceBinding
	if err := yaml.Unmarshal([]byte(strings.SplitN(out.String(), "\n---", 2)[0]), &rb); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	// Aggregated, from the fleet: all 4 replicas in one cluster of the fleet.
	if len(rb.Spec.Clusters) != 1 || !inFleet[rb.Spec.Clusters[0].Name] || rb.Spec.Clusters[0].Replicas != 4 {
		t.Fatalf("want the 4 replicas in one cluster of fleet edge, got %+v\n%s", rb.Spec.Clusters, out.String())
	}

	// A policy naming a fleet that does not exist is an error, not a
	// placement over every cluster.
	missing := bytes.Replace(data, []byte("fleet.kurator.dev/name: edge"), []byte("fleet.kurator.dev/name: nowhere"), 1)
	err := runScheduleLive(context.Background(), streams, hub, nodes, "policy.yaml", missing, outputYAML)
	if err == nil || !strings.Contains(err.Error(), "targets fleet default/nowhere") {
		t.Fatalf("want an error naming the missing fleet, got %v", err)
	}
}

// transitionTime matches a condition's lastTransitionTime in YAML or JSON.
var transitionTime = regexp.MustCompile(`("?lastTransitionTime"?: )"[^"]*"`)

func withoutTimes(s string) string { return transitionTime.ReplaceAllString(s, `$1"T"`) }

// The live mode prints exactly what the offline mode prints for a scenario
// describing the same fleet.
func TestScheduleLiveMatchesOffline(t *testing.T) {
	for _, output := range []string{outputYAML, outputJSON} {
		code, offline := run(t, "schedule", "-f", "../../examples/scenarios/nginx-weighted.yaml", "-o", output)
		if code != 0 {
			t.Fatalf("offline: exit %d:\n%s", code, offline)
		}
		hub, nodes, calls := liveFleetOf(t, "../../examples/scenarios/nginx-weighted.yaml")
		file := "../../examples/seed/06-nginx-weighted.yaml"
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		streams := genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}
		if err := runScheduleLive(context.Background(), streams, hub, nodes, file, data, output); err != nil {
			t.Fatalf("live: %v\n%s", err, errOut.String())
		}
		if d := cmp.Diff(withoutTimes(offline), withoutTimes(out.String())); d != "" {
			t.Fatalf("-o %s: live output differs from offline (-offline +live):\n%s", output, d)
		}
		if calls.Load() != 3 || errOut.Len() != 0 {
			t.Fatalf("nodes listed %d times (want 3), stderr %q", calls.Load(), errOut.String())
		}
	}
}

// A member whose nodes cannot be listed is estimated from its resource
// summary, with a warning; a cluster that is not ready is not asked.
func TestScheduleLiveWithoutNodes(t *testing.T) {
	hub, _, _ := liveFleetOf(t, "../../examples/scenarios/nginx-weighted.yaml")
	notReady := &karmadaclusterv1alpha1.Cluster{}
	if err := hub.Get(context.Background(), client.ObjectKey{Name: "cluster-frankfurt"}, notReady); err != nil {
		t.Fatal(err)
	}
	notReady.Status.Conditions[0].Status = metav1.ConditionFalse
	if err := hub.(client.Client).Update(context.Background(), notReady); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var asked []string
	nodes := func(_ context.Context, c *karmadaclusterv1alpha1.Cluster) ([]estimator.Node, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, c.Name)
		return nil, errors.New("connection refused")
	}
	file := "../../examples/seed/06-nginx-weighted.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := runScheduleLive(context.Background(), genericiooptions.IOStreams{Out: &out, ErrOut: &errOut}, hub, nodes, file, data, outputYAML); err != nil {
		t.Fatalf("live: %v", err)
	}
	if strings.Contains(strings.Join(asked, ","), "frankfurt") || len(asked) != 2 {
		t.Fatalf("nodes listed for %v; want the two ready clusters", asked)
	}
	for _, want := range []string{"warning: the capacity of cluster-hangzhou is estimated from its resource summary", "connection refused"} {
		if !strings.Contains(errOut.String(), want) {
			t.Fatalf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if !strings.Contains(out.String(), "name: cluster-hangzhou\n    replicas: 6") {
		t.Fatalf("no decision:\n%s", out.String())
	}
}

func TestScheduleLiveUsage(t *testing.T) {
	code, out := run(t, "schedule", "-f", "../../examples/scenarios/nginx-weighted.yaml", "--context", "kurator")
	if code != 2 || !strings.Contains(out, "offline scenario") {
		t.Fatalf("a scenario with Clusters and --context: exit %d, want 2:\n%s", code, out)
	}
	code, out = run(t, "schedule", "-f", "../../examples/seed/06-nginx-weighted.yaml", "--kubeconfig", "/nonexistent/kubeconfig")
	if code != 1 || !strings.Contains(out, "error:") {
		t.Fatalf("an unreachable control plane: exit %d, want 1:\n%s", code, out)
	}
}
