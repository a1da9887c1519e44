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

package cost_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/cli"
	"kurator.dev/kurator/internal/intelligent"
)

func scheduler(g Gomega, name string) *schedulingv1alpha1.IntelligentScheduler {
	s := &schedulingv1alpha1.IntelligentScheduler{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: name}, s)).To(Succeed())
	return s
}

func optimization(g Gomega, ns, name string) intelligent.OptimizationState {
	return intelligent.ReadOptimization(binding(g, ns, name).Annotations)
}

// eventNotes lists the notes of the events about a binding.
func eventNotes(g Gomega, ns, name string) []string {
	list := &eventsv1.EventList{}
	g.Expect(fleet.ControlPlane.List(context.Background(), list, client.InNamespace(ns))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Kind == "ResourceBinding" && e.Regarding.Name == name {
			out = append(out, e.Note)
		}
	}
	return out
}

// scale sets a Deployment template's replicas.
func scale(t *testing.T, ns, name string, replicas int) {
	t.Helper()
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	body := fmt.Sprintf(`{"spec":{"replicas":%d}}`, replicas)
	if err := fleet.ControlPlane.Patch(t.Context(), d, client.RawPatch(types.MergePatchType, []byte(body))); err != nil {
		t.Fatal(err)
	}
}

func explanation(g Gomega, ns, name string) *workv1alpha2.SchedulingExplanation {
	e := binding(g, ns, name).Status.SchedulingExplanation
	g.Expect(e).NotTo(BeNil(), "%s has no explanation yet", name)
	return e
}

// kurator runs the CLI against the fleet's control plane.
func kurator(t *testing.T, args ...string) (int, string) {
	t.Helper()
	out := &bytes.Buffer{}
	code := cli.ExecuteContext(t.Context(), "kurator", append(args, "--kubeconfig", fleet.Layout().Kubeconfig(), "--context", "kurator"),
		genericiooptions.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: out})
	return code, out.String()
}

func equalSplit(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// total is the replicas of a binding's decision.
func total(g Gomega, ns, name string) int32 {
	var sum int32
	for _, n := range split(g, ns, name) {
		sum += n
	}
	return sum
}
