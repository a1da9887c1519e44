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

package interpreter

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// fixture reads a template from testdata.
func fixture(t *testing.T, path string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, string(data))
}

// member is a cluster that reported status, judged by the kind's own
// health rule on a copy carrying that status.
func member(t *testing.T, tpl *unstructured.Unstructured, cluster string, status map[string]any) MemberStatus {
	t.Helper()
	raw, err := json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	copied := tpl.DeepCopy()
	copied.Object["status"] = runtime.DeepCopyJSONValue(status)
	return MemberStatus{Cluster: cluster, Status: &runtime.RawExtension{Raw: raw}, Current: true,
		Health: For(tpl.GroupVersionKind()).InterpretHealth(copied)}
}

// roundTrip is a status as the API stores and returns it (whole numbers as
// int64).
func roundTrip(t *testing.T, status map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	return MemberStatus{Status: &runtime.RawExtension{Raw: raw}}.mustReport(t)
}

func (m MemberStatus) mustReport(t *testing.T) map[string]any {
	t.Helper()
	r, ok := m.report()
	if !ok {
		t.Fatalf("%s reported no usable status", m.Cluster)
	}
	return r
}

func TestThirdPartyKindsHandleWhatTheyImplement(t *testing.T) {
	cases := map[schema.GroupVersionKind][]Operation{
		{Group: "batch.volcano.sh", Version: "v1alpha1", Kind: "Job"}: {OperationInterpretReplica, OperationReviseReplica,
			OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		{Group: "apps.kruise.io", Version: "v1alpha1", Kind: "CloneSet"}: {OperationInterpretReplica, OperationReviseReplica,
			OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		{Group: "argoproj.io", Version: "v1alpha1", Kind: "Workflow"}: {OperationInterpretDependency, OperationInterpretHealth,
			OperationInterpretStatus, OperationAggregateStatus, OperationRetain},
		{Group: "kubeflow.org", Version: "v1", Kind: "PyTorchJob"}: {OperationInterpretReplica, OperationReviseReplica,
			OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		// Other kinds of the same groups keep the default.
		{Group: "argoproj.io", Version: "v1alpha1", Kind: "CronWorkflow"}: {OperationAggregateStatus},
		{Group: "kubeflow.org", Version: "v1", Kind: "TFJob"}:             {OperationAggregateStatus},
	}
	for gvk, want := range cases {
		if diff := cmp.Diff(want, handled(For(gvk))); diff != "" {
			t.Errorf("%v handles (-want +got):\n%s", gvk, diff)
		}
	}
}

// healthCase is a member copy's status and the health it reads as.
type healthCase struct {
	status map[string]any
	want   workv1alpha1.ResourceHealth
}

func checkHealth(t *testing.T, tpl *unstructured.Unstructured, cases map[string]healthCase) {
	t.Helper()
	in := For(tpl.GroupVersionKind())
	for name, tc := range cases {
		obj := tpl.DeepCopy()
		if tc.status != nil {
			obj.Object["status"] = tc.status
		}
		if got := in.InterpretHealth(obj); got != tc.want {
			t.Errorf("%s: health %s, want %s", name, got, tc.want)
		}
	}
}
