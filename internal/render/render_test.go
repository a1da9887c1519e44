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

package render

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
)

// controlPlaneDeployment is a Deployment as read from the control plane:
// server-set metadata, the detector's claim, kubectl's record, status.
const controlPlaneDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  uid: 0b7c-template
  resourceVersion: "4711"
  generation: 3
  creationTimestamp: "2026-11-24T12:00:00Z"
  finalizers: [example.com/hold]
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: 0b7c-owner}
  managedFields:
  - {manager: kubectl, operation: Apply, apiVersion: apps/v1}
  labels:
    app: web
    propagationpolicy.karmada.io/permanent-id: 0b7c-pp
    clusterpropagationpolicy.karmada.io/permanent-id: 0b7c-cpp
  annotations:
    note: keep
    propagationpolicy.karmada.io/namespace: default
    propagationpolicy.karmada.io/name: web-pp
    clusterpropagationpolicy.karmada.io/name: web-cpp
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Deployment"}'
    deployment.kubernetes.io/revision: "2"
    kurator.dev/applied-overrides: '[{"policy":"stale","rules":[0]}]'
    kurator.dev/retain-replicas-set-by: web-hpa
spec:
  replicas: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: docker.io/library/nginx:1.25
        command: [nginx]
status:
  replicas: 10
  readyReplicas: 10
`

const controlPlaneJob = `
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
  namespace: default
  uid: 0b7c-job
  labels:
    team: a
    controller-uid: 0b7c-job
    batch.kubernetes.io/controller-uid: 0b7c-job
    job-name: pi
    batch.kubernetes.io/job-name: pi
spec:
  parallelism: 5
  completions: 10
  selector: {matchLabels: {batch.kubernetes.io/controller-uid: 0b7c-job}}
  template:
    metadata:
      labels:
        controller-uid: 0b7c-job
        batch.kubernetes.io/controller-uid: 0b7c-job
        job-name: pi
        batch.kubernetes.io/job-name: pi
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
`

// controlPlaneHPA autoscales web between 3 and 10 replicas.
const controlPlaneHPA = `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default, uid: 0b7c-hpa, generation: 1}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
`

func obj(t testing.TB, y string) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return u
}

func divided(replicas int32, clusters ...workv1alpha2.TargetCluster) *workv1alpha2.ResourceBinding {
	return &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "web-deployment", Namespace: "default"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{UID: "0b7c-template"},
			Replicas: replicas, Clusters: clusters,
			Placement: &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
				ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided}},
		},
	}
}

func duplicated(replicas int32, clusters ...workv1alpha2.TargetCluster) *workv1alpha2.ResourceBinding {
	b := divided(replicas, clusters...)
	b.Spec.Placement.ReplicaScheduling.ReplicaSchedulingType = policyv1alpha1.ReplicaSchedulingTypeDuplicated
	return b
}

// manifest calls Manifest and fails the test if tpl was modified.
func manifest(t *testing.T, tpl *unstructured.Unstructured, b workv1alpha2.Binding, target workv1alpha2.TargetCluster,
	cluster *karmadaclusterv1alpha1.Cluster, policies []overrides.Policy) (*unstructured.Unstructured, []overrides.Applied, error) {
	t.Helper()
	before := tpl.DeepCopy()
	m, applied, err := Manifest(tpl, b, target, cluster, policies)
	if d := cmp.Diff(before.Object, tpl.Object); d != "" {
		t.Fatalf("Manifest modified the template (-before +after):\n%s", d)
	}
	return m, applied, err
}

func TestManifestStripsControlPlaneMetadata(t *testing.T) {
	tpl := obj(t, controlPlaneDeployment)
	m, applied, err := manifest(t, tpl, duplicated(10, workv1alpha2.TargetCluster{Name: "hz", Replicas: 10}), workv1alpha2.TargetCluster{Name: "hz", Replicas: 10}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if applied != nil {
		t.Fatalf("applied %v without policies", applied)
	}
	wantMeta := map[string]any{
		"name": "web", "namespace": "default",
		"labels": map[string]any{"app": "web"},
		"annotations": map[string]any{
			"note": "keep",
			workv1alpha1.ResourceTemplateUIDAnnotation:        "0b7c-template",
			workv1alpha1.ResourceTemplateGenerationAnnotation: "3",
			workv1alpha1.ConflictResolutionAnnotation:         "abort",
		},
	}
	if d := cmp.Diff(wantMeta, m.Object["metadata"]); d != "" {
		t.Fatalf("metadata (-want +got):\n%s", d)
	}
	if _, found := m.Object["status"]; found {
		t.Fatalf("status kept: %v", m.Object["status"])
	}
	if d := cmp.Diff(tpl.Object["spec"], m.Object["spec"]); d != "" {
		t.Fatalf("spec of a duplicated Deployment changed (-tpl +manifest):\n%s", d)
	}
}

func TestManifestConflictResolution(t *testing.T) {
	target := workv1alpha2.TargetCluster{Name: "hz"}
	cases := map[string]struct {
		policy     policyv1alpha1.ConflictResolution
		annotation string
		want       string
	}{
		"abort by default":        {want: "abort"},
		"overwrite by the policy": {policy: policyv1alpha1.ConflictOverwrite, want: "overwrite"},
		"the template's own wins": {policy: policyv1alpha1.ConflictOverwrite, annotation: "abort", want: "abort"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tpl := obj(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\ndata: {a: b}\n")
			if tc.annotation != "" {
				tpl.SetAnnotations(map[string]string{workv1alpha1.ConflictResolutionAnnotation: tc.annotation})
			}
			b := duplicated(0, target)
			b.Spec.ConflictResolution = tc.policy
			m, _, err := manifest(t, tpl, b, target, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.GetAnnotations()[workv1alpha1.ConflictResolutionAnnotation]; got != tc.want {
				t.Fatalf("conflict resolution %q, want %q", got, tc.want)
			}
		})
	}
}

func TestManifestReplicas(t *testing.T) {
	hz, sh := workv1alpha2.TargetCluster{Name: "hz", Replicas: 6}, workv1alpha2.TargetCluster{Name: "sh", Replicas: 4}
	noPlacement := divided(10, hz, sh)
	noPlacement.Spec.Placement = nil
	cases := map[string]struct {
		tpl    string
		b      *workv1alpha2.ResourceBinding
		target workv1alpha2.TargetCluster
		path   []string
		want   int64 // -1: the field is absent
	}{
		"divided deployment, larger share":                 {controlPlaneDeployment, divided(10, hz, sh), hz, []string{"spec", "replicas"}, 6},
		"divided deployment, smaller share":                {controlPlaneDeployment, divided(10, hz, sh), sh, []string{"spec", "replicas"}, 4},
		"divided deployment, empty share":                  {controlPlaneDeployment, divided(10, hz, workv1alpha2.TargetCluster{Name: "fra"}), workv1alpha2.TargetCluster{Name: "fra"}, []string{"spec", "replicas"}, 0},
		"duplicated deployment keeps all":                  {controlPlaneDeployment, duplicated(10, hz, sh), hz, []string{"spec", "replicas"}, 10},
		"no placement duplicates":                          {controlPlaneDeployment, noPlacement, hz, []string{"spec", "replicas"}, 10},
		"binding without replicas":                         {controlPlaneDeployment, divided(0, hz, sh), hz, []string{"spec", "replicas"}, 10},
		"divided job parallelism":                          {controlPlaneJob, divided(5, hz, sh), hz, []string{"spec", "parallelism"}, 6},
		"divided job completions, larger":                  {controlPlaneJob, divided(5, hz, sh), hz, []string{"spec", "completions"}, 6},
		"divided job completions, smaller":                 {controlPlaneJob, divided(5, hz, sh), sh, []string{"spec", "completions"}, 4},
		"job completions of a cluster not in the decision": {controlPlaneJob, divided(5, hz, sh), workv1alpha2.TargetCluster{Name: "fra", Replicas: 1}, []string{"spec", "completions"}, 0},
		"duplicated job keeps completions":                 {controlPlaneJob, duplicated(5, hz, sh), sh, []string{"spec", "completions"}, 10},
		"divided autoscaler max, larger share":             {controlPlaneHPA, divided(10, hz, sh), hz, []string{"spec", "maxReplicas"}, 6},
		"divided autoscaler min, larger share":             {controlPlaneHPA, divided(10, hz, sh), hz, []string{"spec", "minReplicas"}, 2},
		"divided autoscaler min, smaller share":            {controlPlaneHPA, divided(10, hz, sh), sh, []string{"spec", "minReplicas"}, 1},
		"duplicated autoscaler keeps its max":              {controlPlaneHPA, duplicated(10, hz, sh), sh, []string{"spec", "maxReplicas"}, 10},
		"duplicated autoscaler keeps its min":              {controlPlaneHPA, duplicated(10, hz, sh), sh, []string{"spec", "minReplicas"}, 3},
		"configmap is never divided":                       {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n", divided(10, hz, sh), hz, []string{"spec", "replicas"}, -1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, _, err := manifest(t, obj(t, tc.tpl), tc.b, tc.target, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, found, err := unstructured.NestedInt64(m.Object, tc.path...)
			if err != nil {
				t.Fatal(err)
			}
			if !found {
				got = -1
			}
			if got != tc.want {
				t.Fatalf("%s = %d, want %d", strings.Join(tc.path, "."), got, tc.want)
			}
		})
	}
}

func TestManifestJobCompletionsAddUp(t *testing.T) {
	// 7 completions over 3:2:1 parallelism: the shares are a division of 7.
	clusters := []workv1alpha2.TargetCluster{{Name: "a", Replicas: 3}, {Name: "b", Replicas: 2}, {Name: "c", Replicas: 1}}
	tpl := obj(t, strings.Replace(controlPlaneJob, "completions: 10", "completions: 7", 1))
	var sum int64
	for _, c := range clusters {
		m, _, err := manifest(t, tpl, divided(6, clusters...), c, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		n, _, _ := unstructured.NestedInt64(m.Object, "spec", "completions")
		sum += n
	}
	if sum != 7 {
		t.Fatalf("completions add up to %d, want 7", sum)
	}
}

func TestManifestPrunesJobGeneratedSelector(t *testing.T) {
	m, _, err := manifest(t, obj(t, controlPlaneJob), duplicated(5, workv1alpha2.TargetCluster{Name: "hz"}), workv1alpha2.TargetCluster{Name: "hz"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(m.Object, "spec", "selector"); found {
		t.Fatal("generated selector kept")
	}
	if d := cmp.Diff(map[string]string{"team": "a"}, m.GetLabels()); d != "" {
		t.Fatalf("labels (-want +got):\n%s", d)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(m.Object, "spec", "template", "metadata", "labels"); found {
		t.Fatal("generated pod template labels kept")
	}

	manual := obj(t, strings.Replace(controlPlaneJob, "  parallelism: 5", "  manualSelector: true\n  parallelism: 5", 1))
	m, _, err = manifest(t, manual, duplicated(5, workv1alpha2.TargetCluster{Name: "hz"}), workv1alpha2.TargetCluster{Name: "hz"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(m.Object, "spec", "selector"); !found {
		t.Fatal("a manual selector was removed")
	}
}
