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
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/version"
)

func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := ExecuteContext(context.Background(), "kurator", args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
	return code, out.String()
}

func TestBadUsageExitsWithTwo(t *testing.T) {
	cases := map[string][]string{
		"unknown command":         {"frobnicate"},
		"unknown flag":            {"get", "clusters", "--no-such-flag"},
		"extra argument":          {"up", "now"},
		"missing argument":        {"local", "stop"},
		"unknown output format":   {"get", "clusters", "-o", "xml"},
		"join without kubeconfig": {"join", "edge"},
		"join with bad labels":    {"join", "edge", "--kubeconfig", "/dev/null", "--labels", "novalue"},
		"invalid node pool":       {"up", "--node-cpu", "lots", "--dir", "/nonexistent/kurator"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, out := run(t, args...)
			if code != 2 {
				t.Fatalf("exit code %d, want 2; output:\n%s", code, out)
			}
			if !strings.Contains(out, "error:") {
				t.Fatalf("no error message in output:\n%s", out)
			}
		})
	}
}

func TestVersionFlagNeedsNoControlPlane(t *testing.T) {
	t.Setenv("KUBECONFIG", "/nonexistent/kubeconfig")
	code, out := run(t, "--version")
	if want := "kurator " + version.Version + "\n"; code != 0 || out != want {
		t.Fatalf("exit %d, output %q: want 0 and %q", code, out, want)
	}
}

func TestStatusOfMissingFleetFails(t *testing.T) {
	code, out := run(t, "status", "--dir", t.TempDir())
	if code != 1 || !strings.Contains(out, "kurator up") {
		t.Fatalf("exit %d, output %q: want 1 and a hint to run 'kurator up'", code, out)
	}
}

func TestParseLabels(t *testing.T) {
	got, err := parseLabels("region=asia-east, provider=alibaba,env=")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"region": "asia-east", "provider": "alibaba", "env": ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("labels (-want +got):\n%s", d)
	}
	for _, bad := range []string{"noequals", "=value", "a=b,,c=d"} {
		if _, err := parseLabels(bad); err == nil {
			t.Errorf("parseLabels(%q) succeeded, want an error", bad)
		}
	}
}

func TestClusterTable(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	c := karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: "cluster-hangzhou", CreationTimestamp: metav1.NewTime(now.Add(-90 * time.Minute))},
		Spec: karmadaclusterv1alpha1.ClusterSpec{
			Region: "asia-east", Provider: "alibaba", Zones: []string{"hz-a"}, SyncMode: karmadaclusterv1alpha1.Push,
			APIEndpoint: "https://127.0.0.1:6443",
			Taints:      []corev1.Taint{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Effect: corev1.TaintEffectNoSchedule}},
		},
		Status: karmadaclusterv1alpha1.ClusterStatus{
			KubernetesVersion: "v1.37.2",
			Conditions:        []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionFalse}},
			NodeSummary:       &karmadaclusterv1alpha1.NodeSummary{TotalNum: 3, ReadyNum: 2},
			ResourceSummary: &karmadaclusterv1alpha1.ResourceSummary{
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("12"), corev1.ResourceMemory: resource.MustParse("48Gi"), corev1.ResourcePods: resource.MustParse("330")},
				Allocated:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2500m"), corev1.ResourceMemory: resource.MustParse("512Mi"), corev1.ResourcePods: resource.MustParse("5")},
			},
		},
	}
	var out bytes.Buffer
	printClusterTable(&out, []karmadaclusterv1alpha1.Cluster{c}, true, now)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want header and one row, got:\n%s", out.String())
	}
	want := []string{"cluster-hangzhou", "False", "asia-east", "hz-a", "alibaba", "v1.37.2", "2/3", "2500m/12", "512Mi/48Gi", "90m",
		"5/330", "Push", "cluster.karmada.io/unreachable:NoSchedule", "https://127.0.0.1:6443", "-", "-", "-", "-"}
	if d := cmp.Diff(want, strings.Fields(lines[1])); d != "" {
		t.Fatalf("row (-want +got):\n%s", d)
	}
	if got := strings.Fields(lines[0]); got[0] != "NAME" || got[len(got)-1] != "PROPS-AGE" {
		t.Fatalf("unexpected header %q", lines[0])
	}
}

func TestScheduleScenario(t *testing.T) {
	code, out := run(t, "schedule", "-f", "../../examples/scenarios/nginx-weighted.yaml")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"kind: ResourceBinding", "name: cluster-hangzhou\n    replicas: 6", "name: cluster-shanghai\n    replicas: 4", "strategy: Divided by static weights"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out = run(t, "schedule", "-f", "../../examples/scenarios/dynamic-insufficient.yaml", "-o", "json")
	if code != 1 || !strings.Contains(out, `"reason": "Unschedulable"`) || !strings.Contains(out, "cannot be scheduled") {
		t.Fatalf("exit %d, want 1 with the reason:\n%s", code, out)
	}
	if code, _ := run(t, "schedule"); code != 2 {
		t.Fatalf("schedule without -f: exit %d, want 2", code)
	}
	if code, out := run(t, "schedule", "-f", "/nonexistent"); code != 1 || !strings.Contains(out, "no such file") {
		t.Fatalf("missing file: exit %d:\n%s", code, out)
	}
}

func TestWorkloadRows(t *testing.T) {
	b := workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "nginx-deployment", Namespace: "default"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "nginx"},
			Replicas: 10,
			Clusters: []workv1alpha2.TargetCluster{{Name: "a", Replicas: 6}, {Name: "b", Replicas: 4}, {Name: "c", Replicas: 0}},
		},
		Status: workv1alpha2.ResourceBindingStatus{AggregatedStatus: []workv1alpha2.AggregatedStatusItem{
			{ClusterName: "a", Applied: true, Health: workv1alpha2.ResourceHealthy, Status: &runtime.RawExtension{Raw: []byte(`{"readyReplicas": 6}`)}},
			{ClusterName: "b", Applied: true, Health: workv1alpha2.ResourceUnhealthy, Status: &runtime.RawExtension{Raw: []byte(`{"readyReplicas": 1}`)}},
			{ClusterName: "c", Applied: false, AppliedMessage: "conflict"},
		}},
	}
	got := workloadRows([]workv1alpha2.ResourceBinding{b}, nil)
	want := []workloadRow{
		{Namespace: "default", Name: "nginx", Kind: "Deployment", Cluster: "a", Desired: 6, Ready: 6, Status: "Healthy"},
		{Namespace: "default", Name: "nginx", Kind: "Deployment", Cluster: "b", Desired: 4, Ready: 1, Status: "Progressing"},
		{Namespace: "default", Name: "nginx", Kind: "Deployment", Cluster: "c", Desired: 0, Ready: 0, Status: "NotApplied"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("rows (-want +got):\n%s", d)
	}
	if rows := workloadRows([]workv1alpha2.ResourceBinding{b}, []string{"other"}); len(rows) != 0 {
		t.Fatalf("filter by name: %v", rows)
	}
	if code, _ := run(t, "get", "workload"); code != 2 {
		t.Fatalf("get workload without --all-clusters: exit %d, want 2", code)
	}
}

func TestDescribeBindingAndPolicy(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	b := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "nginx-deployment", Namespace: "default", UID: "u1"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "nginx"},
			Replicas: 10, Clusters: []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 6}, {Name: "sh", Replicas: 4}},
		},
		Status: workv1alpha2.ResourceBindingStatus{
			Conditions: []metav1.Condition{{Type: workv1alpha2.ConditionScheduled, Status: metav1.ConditionTrue, Reason: "Success", Message: "binding has been scheduled"}},
			SchedulingExplanation: &workv1alpha2.SchedulingExplanation{Strategy: "Divided by static weights", Division: "Webster gives hz:6, sh:4.",
				KarmadaDifference: "Karmada would choose r-east, whose clusters have room for 30 of 50 replicas, and fail.",
				Candidates:        []workv1alpha2.ClusterExplanation{{Name: "fra", Reasons: []string{"TaintToleration: untolerated taint"}}, {Name: "hz", Feasible: true, AssignedReplicas: 6}}},
		},
	}
	var out bytes.Buffer
	describeBinding(&out, b, nil, now)
	for _, want := range []string{"Resource:     apps/v1 Deployment default/nginx", "Scheduled     True", "hz", "Webster gives hz:6, sh:4.", "TaintToleration: untolerated taint", "Karmada:    Karmada would choose r-east", "Events:       <none>"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("describe lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	spec := &policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "nginx"}}}
	describePolicy(&out, "nginx-propagation", spec, []workv1alpha2.ResourceBinding{*b})
	for _, want := range []string{"apps/v1 Deployment name=nginx", "Matched templates (1)", "Deployment/nginx", "hz:6,sh:4", "fra (TaintToleration: untolerated taint)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("describe policy lacks %q:\n%s", want, out.String())
		}
	}
}
