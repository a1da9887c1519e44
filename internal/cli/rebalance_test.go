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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// boundRB is the ResourceBinding of a namespaced template, named as the
// detector names it.
func boundRB(ns, kind, name string, clusters ...string) *workv1alpha2.ResourceBinding {
	b := rb(ns, workv1alpha2.BindingName(name, kind), clusters...)
	b.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name}
	return b
}

func boundCRB(kind, name string) *workv1alpha2.ClusterResourceBinding {
	return &workv1alpha2.ClusterResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.BindingName(name, kind)},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "rbac.authorization.k8s.io/v1", Kind: kind, Name: name},
			Clusters: []workv1alpha2.TargetCluster{{Name: "hz"}},
		},
	}
}

func rebalanceFixture() []client.Object {
	return []client.Object{
		boundRB("default", "Deployment", "nginx", "hz", "sh"), boundRB("default", "StatefulSet", "db", "hz"),
		boundRB("default", "ConfigMap", "cfg", "hz"), boundRB("default", "Service", "nginx", "hz"),
		boundRB("default", "DaemonSet", "agent", "hz"), boundRB("default", "ReplicaSet", "rs1", "hz"),
		boundRB("default", "Job", "migrate", "hz"), boundRB("default", "Secret", "tls", "hz"),
		boundRB("default", "Widget", "w1", "hz"), boundRB("shop", "Deployment", "nginx", "sh"),
		boundCRB("ClusterRole", "admin"),
	}
}

// triggered returns spec.rescheduleTriggeredAt of a binding (nil: never).
func triggered(t *testing.T, c client.Client, ns, name string) *metav1.Time {
	t.Helper()
	if ns == "" {
		b := &workv1alpha2.ClusterResourceBinding{}
		if err := c.Get(context.Background(), client.ObjectKey{Name: name}, b); err != nil {
			t.Fatal(err)
		}
		return b.Spec.RescheduleTriggeredAt
	}
	b := &workv1alpha2.ResourceBinding{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, b); err != nil {
		t.Fatal(err)
	}
	return b.Spec.RescheduleTriggeredAt
}

func rebalance(t *testing.T, c client.Client, ns string, all bool, args ...string) (string, error) {
	t.Helper()
	refs := make([]workloadRef, 0, len(args))
	for _, a := range args {
		r, err := parseWorkloadRef(a)
		if err != nil {
			t.Fatalf("parse %q: %v", a, err)
		}
		refs = append(refs, r)
	}
	var out bytes.Buffer
	err := runRebalance(context.Background(), c, &out, refs, rebalanceOptions{namespace: ns, all: all, now: fixedNow})
	return out.String(), err
}

func TestRebalanceFindsTheBindingOfEachKind(t *testing.T) {
	cases := []struct {
		arg, ns, binding, printed string
	}{
		{"deploy/nginx", "default", "nginx-deployment", "deployment/nginx"},
		{"deployment/nginx", "default", "nginx-deployment", "deployment/nginx"},
		{"Deployment/nginx", "default", "nginx-deployment", "deployment/nginx"},
		{"DEPLOYMENTS/nginx", "default", "nginx-deployment", "deployment/nginx"},
		{"deploy/nginx", "shop", "nginx-deployment", "deployment/nginx"},
		{"sts/db", "default", "db-statefulset", "statefulset/db"},
		{"rs/rs1", "default", "rs1-replicaset", "replicaset/rs1"},
		{"ds/agent", "default", "agent-daemonset", "daemonset/agent"},
		{"job/migrate", "default", "migrate-job", "job/migrate"},
		{"cm/cfg", "default", "cfg-configmap", "configmap/cfg"},
		{"svc/nginx", "default", "nginx-service", "service/nginx"},
		{"secret/tls", "default", "tls-secret", "secret/tls"},
		{"WIDGET/w1", "default", "w1-widget", "widget/w1"},
		{"clusterrole/admin", "", "admin-clusterrole", "clusterrole/admin"},
	}
	for _, tc := range cases {
		t.Run(tc.arg+" in "+tc.ns, func(t *testing.T) {
			c := opsClient(rebalanceFixture()...)
			ns := tc.ns
			if ns == "" {
				ns = "default"
			}
			out, err := rebalance(t, c, ns, false, tc.arg)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.printed + " rescheduling requested\n"; out != want {
				t.Fatalf("output %q, want %q", out, want)
			}
			if at := triggered(t, c, tc.ns, tc.binding); at == nil || !at.Time.Equal(opsNow) {
				t.Fatalf("rescheduleTriggeredAt of %s/%s = %v, want %s", tc.ns, tc.binding, at, opsNow)
			}
			// Only that binding is touched.
			var rbs workv1alpha2.ResourceBindingList
			if err := c.List(context.Background(), &rbs); err != nil {
				t.Fatal(err)
			}
			for _, b := range rbs.Items {
				if b.Spec.RescheduleTriggeredAt != nil && (b.Namespace != tc.ns || b.Name != tc.binding) {
					t.Errorf("%s/%s was also rescheduled", b.Namespace, b.Name)
				}
			}
		})
	}
}

func TestRebalanceKeepsTheRestOfTheSpec(t *testing.T) {
	c := opsClient(rebalanceFixture()...)
	if _, err := rebalance(t, c, "default", false, "deploy/nginx"); err != nil {
		t.Fatal(err)
	}
	b := &workv1alpha2.ResourceBinding{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "nginx-deployment"}, b); err != nil {
		t.Fatal(err)
	}
	if len(b.Spec.Clusters) != 2 || b.Spec.Resource.Name != "nginx" {
		t.Fatalf("the patch changed more than rescheduleTriggeredAt: %+v", b.Spec)
	}
}

func TestRebalanceOfAWorkloadWithoutBindingFailsButDoesTheOthers(t *testing.T) {
	c := opsClient(rebalanceFixture()...)
	out, err := rebalance(t, c, "default", false, "deploy/nginx", "deploy/ghost", "svc/nginx", "sts/nginx")
	if err == nil || ExitCode(err) != 1 {
		t.Fatalf("error %v, want exit 1", err)
	}
	for _, want := range []string{"deployment/ghost: no binding", "ResourceBinding default/ghost-deployment", "statefulset/nginx: no binding"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if want := "deployment/nginx rescheduling requested\nservice/nginx rescheduling requested\n"; out != want {
		t.Fatalf("output %q, want %q", out, want)
	}
	for _, name := range []string{"nginx-deployment", "nginx-service"} {
		if triggered(t, c, "default", name) == nil {
			t.Errorf("%s not rescheduled", name)
		}
	}
}

// TestRebalanceChecksTheBindingsResource: a binding whose name matches but
// that binds another template is not the workload's.
func TestRebalanceChecksTheBindingsResource(t *testing.T) {
	other := boundRB("default", "Deployment", "nginx")
	other.Spec.Resource.Name = "web"
	c := opsClient(other)
	if _, err := rebalance(t, c, "default", false, "deploy/nginx"); err == nil {
		t.Fatal("a binding of another template was taken for the workload's")
	}
	if triggered(t, c, "default", "nginx-deployment") != nil {
		t.Fatal("the other template's binding was rescheduled")
	}
}

func TestRebalanceAllOfANamespace(t *testing.T) {
	c := opsClient(rebalanceFixture()...)
	out, err := rebalance(t, c, "shop", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "deployment/nginx rescheduling requested\n"; out != want {
		t.Fatalf("output %q, want %q", out, want)
	}
	if triggered(t, c, "shop", "nginx-deployment") == nil {
		t.Fatal("shop/nginx-deployment not rescheduled")
	}
	if triggered(t, c, "default", "nginx-deployment") != nil || triggered(t, c, "", "admin-clusterrole") != nil {
		t.Fatal("--all -n shop rescheduled outside shop")
	}
	out, err = rebalance(t, c, "empty", true)
	if err != nil || out != "no workloads with a binding in namespace empty\n" {
		t.Fatalf("empty namespace: %q, %v", out, err)
	}
}

func TestParseWorkloadRef(t *testing.T) {
	for arg, want := range map[string]workloadRef{
		"deploy/nginx": {kind: "Deployment", name: "nginx"}, "sts/db": {kind: "StatefulSet", name: "db"},
		"CM/cfg": {kind: "ConfigMap", name: "cfg"}, "FooBar/x": {kind: "FooBar", name: "x"},
		"clusterrole/system:admin": {kind: "clusterrole", name: "system:admin"},
	} {
		got, err := parseWorkloadRef(arg)
		if err != nil || got != want {
			t.Errorf("parseWorkloadRef(%q) = %+v, %v; want %+v", arg, got, err, want)
		}
	}
	for _, arg := range []string{"nginx", "/nginx", "deploy/", "deploy/a/b", ""} {
		if _, err := parseWorkloadRef(arg); ExitCode(err) != 2 {
			t.Errorf("parseWorkloadRef(%q): %v, want a usage error", arg, err)
		}
	}
}
