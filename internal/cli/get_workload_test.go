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

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

// hangzhouManifest is what the binding controller rendered for hangzhou.
const hangzhouManifest = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default",` +
	`"annotations":{"kurator.dev/applied-overrides":"[{\"policy\":\"default/mirror\",\"rules\":[0]}]","work.karmada.io/conflict-resolution":"abort"}},` +
	`"spec":{"replicas":6,"template":{"spec":{"containers":[{"name":"nginx","image":"registry.cn-hangzhou.aliyuncs.com/library/nginx:1.25"}]}}}}`

// workloadFixture is a control plane with the nginx Deployment placed on
// hangzhou (rendered), shanghai (no Work yet) and frankfurt (override
// failed), and a Service of the same name.
func workloadFixture(t *testing.T) client.Client {
	t.Helper()
	b := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "nginx-deployment", Namespace: "default"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "nginx"},
			Replicas: 10,
			Clusters: []workv1alpha2.TargetCluster{{Name: "cluster-frankfurt", Replicas: 2}, {Name: "cluster-hangzhou", Replicas: 6}, {Name: "cluster-shanghai", Replicas: 2}},
		},
		Status: workv1alpha2.ResourceBindingStatus{
			Conditions: []metav1.Condition{{Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionFalse, Reason: workv1alpha2.BindingReasonOverrideFailed,
				Message: `cluster-frankfurt: policy default/mirror: overrideRules[1]: plaintext[0]: path "/spec/x": missing; really`}},
			AggregatedStatus: []workv1alpha2.AggregatedStatusItem{{ClusterName: "cluster-hangzhou", Applied: true, Health: workv1alpha2.ResourceHealthy,
				Status: &runtime.RawExtension{Raw: []byte(`{"readyReplicas": 6}`)}}},
		},
	}
	svc := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "nginx-service", Namespace: "default"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "nginx"},
			Clusters: []workv1alpha2.TargetCluster{{Name: "cluster-hangzhou"}},
		},
	}
	work := &workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.WorkName(b), Namespace: "karmada-es-cluster-hangzhou"},
		Spec: workv1alpha1.WorkSpec{Workload: workv1alpha1.WorkloadTemplate{Manifests: []workv1alpha1.Manifest{
			{RawExtension: runtime.RawExtension{Raw: []byte(hangzhouManifest)}}}}},
	}
	return fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(b, svc, work).Build()
}

func getWorkload(t *testing.T, c client.Client, o workloadOptions, args ...string) (string, error) {
	t.Helper()
	if o.namespace == "" {
		o.namespace = "default"
	}
	if err := o.validate(args); err != nil {
		return "", err
	}
	var out bytes.Buffer
	err := runGetWorkload(context.Background(), c, &out, o, args)
	return out.String(), err
}

func TestGetWorkloadPrintsTheRenderedManifest(t *testing.T) {
	c := workloadFixture(t)
	want := &unstructured.Unstructured{}
	if err := want.UnmarshalJSON([]byte(hangzhouManifest)); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{outputYAML, outputJSON} {
		t.Run(format, func(t *testing.T) {
			out, err := getWorkload(t, c, workloadOptions{cluster: "cluster-hangzhou", kind: "deployment", output: format}, "nginx")
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := yaml.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output is not %s: %v\n%s", format, err, out)
			}
			wantObj := map[string]any{}
			raw, _ := yaml.Marshal(want.Object)
			_ = yaml.Unmarshal(raw, &wantObj)
			if d := cmp.Diff(wantObj, got); d != "" {
				t.Fatalf("manifest (-want +got):\n%s", d)
			}
		})
	}
}

func TestGetWorkloadManifestErrors(t *testing.T) {
	c := workloadFixture(t)
	cases := map[string]struct {
		o    workloadOptions
		name string
		want string
		code int
	}{
		"override failed": {workloadOptions{cluster: "cluster-frankfurt", kind: "Deployment", output: outputYAML}, "nginx",
			`Deployment default/nginx cannot be rendered for cluster cluster-frankfurt: policy default/mirror: overrideRules[1]: plaintext[0]: path "/spec/x": missing; really`, 1},
		"no Work yet": {workloadOptions{cluster: "cluster-shanghai", kind: "Deployment", output: outputYAML}, "nginx",
			"Deployment default/nginx has no Work in cluster cluster-shanghai yet", 1},
		"not placed there": {workloadOptions{cluster: "cluster-tokyo", kind: "Deployment", output: outputJSON}, "nginx",
			"Deployment default/nginx is not placed on cluster cluster-tokyo (its clusters: cluster-frankfurt, cluster-hangzhou, cluster-shanghai)", 1},
		"no such workload": {workloadOptions{cluster: "cluster-hangzhou", output: outputYAML}, "web", "no propagated workload named web", 1},
		"no such kind":     {workloadOptions{cluster: "cluster-hangzhou", kind: "StatefulSet", output: outputYAML}, "nginx", "no propagated StatefulSet named nginx", 1},
		"ambiguous name": {workloadOptions{cluster: "cluster-hangzhou", output: outputYAML}, "nginx",
			"2 propagated workloads are named nginx (Deployment default/nginx, Service default/nginx): choose one with --kind or -n", 2},
		"other namespace": {workloadOptions{cluster: "cluster-hangzhou", output: outputYAML, namespace: "prod"}, "nginx", "no propagated workload named nginx", 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := getWorkload(t, c, tc.o, tc.name)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one containing %q", err, tc.want)
			}
			if code := ExitCode(err); code != tc.code {
				t.Fatalf("exit code %d, want %d", code, tc.code)
			}
			if out != "" {
				t.Fatalf("printed %q with the error", out)
			}
		})
	}
}

func TestGetWorkloadTableByCluster(t *testing.T) {
	c := workloadFixture(t)
	out, err := getWorkload(t, c, workloadOptions{cluster: "cluster-hangzhou"})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		got = append(got, strings.Fields(l))
	}
	want := [][]string{
		{"default", "nginx", "Deployment", "cluster-hangzhou", "6", "6", "Healthy"},
		{"default", "nginx", "Service", "cluster-hangzhou", "1", "0", "Pending"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("rows (-want +got):\n%s", d)
	}
	out, err = getWorkload(t, c, workloadOptions{cluster: "cluster-frankfurt", kind: "deployment", output: "table"}, "nginx")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "cluster-frankfurt") {
		t.Fatalf("err %v, want one frankfurt row:\n%s", err, out)
	}
	if _, err := getWorkload(t, c, workloadOptions{cluster: "cluster-tokyo"}, "nginx"); err == nil || !strings.Contains(err.Error(), "no propagated workload named nginx in cluster cluster-tokyo") {
		t.Fatalf("err %v", err)
	}
	// -o yaml with --all-clusters is still the rows.
	out, err = getWorkload(t, c, workloadOptions{allClusters: true, output: outputYAML}, "nginx")
	if err != nil || strings.Count(out, "cluster:") != 4 {
		t.Fatalf("err %v, want 4 rows:\n%s", err, out)
	}
}

func TestGetWorkloadUsage(t *testing.T) {
	cases := map[string][]string{
		"neither flag":           {"get", "workload"},
		"both flags":             {"get", "workload", "nginx", "--all-clusters", "--cluster", "a"},
		"manifest without name":  {"get", "workload", "--cluster", "a", "-o", "yaml"},
		"manifest of two names":  {"get", "workload", "x", "y", "--cluster", "a", "-o", "json"},
		"unknown output":         {"get", "workload", "x", "--cluster", "a", "-o", "wide"},
		"--cluster needs a name": {"get", "workload", "x", "--cluster"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			if code, out := run(t, args...); code != 2 {
				t.Fatalf("exit %d, want 2:\n%s", code, out)
			}
		})
	}
}
