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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// everything references one object of each way a pod spec can.
const everything = `
      serviceAccountName: runner
      imagePullSecrets: [{name: registry}]
      initContainers:
      - name: init
        image: busybox
        envFrom: [{configMapRef: {name: init-env}}]
      containers:
      - name: app
        image: nginx
        env:
        - {name: A, value: plain}
        - {name: B, valueFrom: {configMapKeyRef: {name: env-cm, key: b}}}
        - {name: C, valueFrom: {secretKeyRef: {name: env-secret, key: c}}}
        - {name: D, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        envFrom: [{secretRef: {name: bulk-secret}}, {configMapRef: {name: env-cm}}]
      volumes:
      - {name: v1, configMap: {name: vol-cm}}
      - {name: v2, secret: {secretName: vol-secret}}
      - {name: v3, persistentVolumeClaim: {claimName: data}}
      - name: v4
        projected:
          sources:
          - configMap: {name: proj-cm}
          - secret: {name: proj-secret}
          - serviceAccountToken: {path: token}
      - {name: v5, csi: {driver: x, nodePublishSecretRef: {name: csi-secret}}}
      - {name: v6, emptyDir: {}}`

func deps(kind string, names ...string) []Dependency {
	out := make([]Dependency, 0, len(names))
	for _, n := range names {
		out = append(out, Dependency{APIVersion: "v1", Kind: kind, Namespace: "ns", Name: n})
	}
	return out
}

func concat(lists ...[]Dependency) []Dependency {
	var out []Dependency
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func TestDependencies(t *testing.T) {
	all := concat(
		deps("ConfigMap", "env-cm", "init-env", "proj-cm", "vol-cm"),
		deps("PersistentVolumeClaim", "data"),
		deps("Secret", "bulk-secret", "csi-secret", "env-secret", "proj-secret", "registry", "vol-secret"),
		deps("ServiceAccount", "runner"),
	)
	indent := func(s string, by int) string {
		return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", by))
	}
	cases := map[string]struct {
		doc  string
		want []Dependency
	}{
		"deployment":  {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n    spec:" + everything, all},
		"statefulset": {"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s, namespace: ns}\nspec:\n  template:\n    spec:" + everything, all},
		"replicaset":  {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r, namespace: ns}\nspec:\n  template:\n    spec:" + everything, all},
		"daemonset":   {"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds, namespace: ns}\nspec:\n  template:\n    spec:" + everything, all},
		"job":         {"apiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: ns}\nspec:\n  template:\n    spec:" + everything, all},
		"cronjob": {"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, namespace: ns}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:" +
			indent(everything, 4), all},
		"pod": {"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:" + strings.ReplaceAll(everything, "\n      ", "\n  "), all},
		"default service account is not a dependency": {
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n    spec:\n      serviceAccountName: default\n      containers: [{name: a, image: nginx}]", nil},
		"deprecated serviceAccount field": {
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n    spec:\n      serviceAccount: legacy\n      containers: [{name: a, image: nginx}]", deps("ServiceAccount", "legacy")},
		"no references":      {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:" + podSpec, nil},
		"configmap has none": {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\ndata: {a: b}", nil},
		"a CRD has none":     {"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ns}\nspec: {secretName: s}", nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := parse(t, tc.doc)
			got, err := For(obj.GroupVersionKind()).GetDependencies(obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("dependencies (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDependenciesOfAnInvalidWorkload(t *testing.T) {
	obj := parse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: 3}}}")
	_, err := For(obj.GroupVersionKind()).GetDependencies(obj)
	if err == nil {
		t.Fatal("a Deployment whose containers are not a list was accepted")
	}
}

func TestHandlesDependencies(t *testing.T) {
	for gk, want := range map[schema.GroupKind]bool{
		{Group: "apps", Kind: "Deployment"}: true, {Group: "batch", Kind: "CronJob"}: true, {Kind: "Pod"}: true,
		{Kind: "ConfigMap"}: false, {Group: "example.com", Kind: "Pod"}: false,
	} {
		if got := For(gk.WithVersion("v1")).Handles(OperationInterpretDependency); got != want {
			t.Errorf("For(%v).Handles(OperationInterpretDependency) = %v, want %v", gk, got, want)
		}
	}
}
