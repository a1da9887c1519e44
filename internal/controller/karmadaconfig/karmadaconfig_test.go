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

package karmadaconfig

import (
	"context"
	"strings"
	"testing"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/tuning"
	"kurator.dev/kurator/internal/scheme"
)

var defaults = tuning.Values{Parallelism: 512, PercentOfClustersToScore: 100, CacheSyncTimeout: 3 * time.Second, EstimatorTimeout: tuning.DefaultEstimatorTimeout}

func i32(v int32) *int32 { return &v }

func duration(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

// seed10 is examples/seed/10-scheduler-tuning.yaml under another name.
func seed10(name string) karmadaconfigv1alpha1.KarmadaConfig {
	kc := karmadaconfigv1alpha1.KarmadaConfig{ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 1}}
	kc.Spec.Scheduler = karmadaconfigv1alpha1.SchedulerSettings{Parallelism: i32(10), CacheSyncTimeout: duration(30 * time.Second), PercentOfNodesToScore: i32(50)}
	kc.Spec.Estimator.Timeout = duration(30 * time.Second)
	return kc
}

func TestChoose(t *testing.T) {
	empty := karmadaconfigv1alpha1.KarmadaConfig{ObjectMeta: metav1.ObjectMeta{Name: "a-empty"}}
	adaptive := karmadaconfigv1alpha1.KarmadaConfig{ObjectMeta: metav1.ObjectMeta{Name: "b-adaptive"}}
	adaptive.Spec.Scheduler.PercentOfNodesToScore = i32(0)
	tooMany := seed10("0-too-many")
	tooMany.Spec.Scheduler.Parallelism = i32(1000)
	tooMany.Spec.Estimator.Timeout = duration(0)
	deleting := seed10("0-deleting")
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	deleting.Finalizers = []string{"example.com/hold"}
	seed := seed10("performance-tuning")
	seedValues := tuning.Values{Parallelism: 10, PercentOfClustersToScore: 50, CacheSyncTimeout: 30 * time.Second, EstimatorTimeout: 30 * time.Second}

	for _, tc := range []struct {
		name    string
		items   []karmadaconfigv1alpha1.KarmadaConfig
		inForce string
		values  tuning.Values
		invalid []string
	}{
		{"none: defaults", nil, "", defaults, nil},
		{"the seed", []karmadaconfigv1alpha1.KarmadaConfig{seed}, "performance-tuning", seedValues, nil},
		{"first by name, whatever the list order", []karmadaconfigv1alpha1.KarmadaConfig{seed, adaptive}, "b-adaptive",
			tuning.Values{Parallelism: 512, PercentOfClustersToScore: 0, CacheSyncTimeout: 3 * time.Second, EstimatorTimeout: 3 * time.Second}, nil},
		{"an empty spec puts the defaults in force", []karmadaconfigv1alpha1.KarmadaConfig{seed, empty}, "a-empty", defaults, nil},
		{"an invalid one is skipped", []karmadaconfigv1alpha1.KarmadaConfig{tooMany, seed}, "performance-tuning", seedValues, []string{"0-too-many"}},
		{"one being deleted is not considered", []karmadaconfigv1alpha1.KarmadaConfig{deleting, seed}, "performance-tuning", seedValues, nil},
		{"only invalid ones: defaults", []karmadaconfigv1alpha1.KarmadaConfig{tooMany}, "", defaults, []string{"0-too-many"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := choose(tc.items, defaults)
			if c.inForce != tc.inForce || c.values != tc.values {
				t.Fatalf("in force %q with %+v; want %q with %+v", c.inForce, c.values, tc.inForce, tc.values)
			}
			if len(c.invalid) != len(tc.invalid) {
				t.Fatalf("invalid %v, want %v", c.invalid, tc.invalid)
			}
			for _, name := range tc.invalid {
				if c.invalid[name] == nil {
					t.Fatalf("invalid %v lacks %s", c.invalid, name)
				}
			}
		})
	}
	err := choose([]karmadaconfigv1alpha1.KarmadaConfig{tooMany}, defaults).invalid["0-too-many"].Error()
	for _, want := range []string{"spec.scheduler.parallelism 1000 is not between 1 and 256", "spec.estimator.timeout 0s is not above 0s and at most 1m0s"} {
		if !strings.Contains(err, want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

type harness struct {
	hub      client.Client
	recorder *events.FakeRecorder
	tune     *tuning.Tuning
	applier  *Applier
	writer   *StatusWriter
}

func newHarness(t *testing.T, objs ...client.Object) *harness {
	t.Helper()
	hub := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).
		WithStatusSubresource(&karmadaconfigv1alpha1.KarmadaConfig{}).Build()
	tune := tuning.New(defaults)
	recorder := events.NewFakeRecorder(32)
	return &harness{hub: hub, recorder: recorder, tune: tune, applier: &Applier{Reader: hub, Tuning: tune},
		writer: &StatusWriter{Client: hub, Recorder: recorder, Defaults: defaults}}
}

// reconcile runs both controllers as a change of any KarmadaConfig does.
func (h *harness) reconcile(t *testing.T) {
	t.Helper()
	for _, r := range []interface {
		Reconcile(context.Context, ctrl.Request) (ctrl.Result, error)
	}{h.applier, h.writer} {
		if _, err := r.Reconcile(context.Background(), ctrl.Request{}); err != nil {
			t.Fatal(err)
		}
	}
}

func (h *harness) get(t *testing.T, name string) *karmadaconfigv1alpha1.KarmadaConfig {
	t.Helper()
	kc := &karmadaconfigv1alpha1.KarmadaConfig{}
	if err := h.hub.Get(context.Background(), client.ObjectKey{Name: name}, kc); err != nil {
		t.Fatal(err)
	}
	return kc
}

func (h *harness) events() []string {
	var out []string
	for {
		select {
		case e := <-h.recorder.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

func expectApplied(t *testing.T, kc *karmadaconfigv1alpha1.KarmadaConfig, status metav1.ConditionStatus, reason, message string) {
	t.Helper()
	c := apimeta.FindStatusCondition(kc.Status.Conditions, karmadaconfigv1alpha1.ConditionApplied)
	if c == nil || c.Status != status || c.Reason != reason || c.ObservedGeneration != kc.Generation || !strings.Contains(c.Message, message) {
		t.Fatalf("%s: Applied = %+v; want %s, %s, observedGeneration %d, a message with %q", kc.Name, c, status, reason, kc.Generation, message)
	}
}

// TestControllersApplyAndReport: the seed's KarmadaConfig is put in force
// and reported so; a second one is superseded; changes apply at once;
// deleting them all brings the defaults back. Events come only with a
// change of the condition.
func TestControllersApplyAndReport(t *testing.T) {
	seed := seed10("performance-tuning")
	later := seed10("tuning-later")
	later.Spec.Scheduler.Parallelism = i32(3)
	h := newHarness(t, &seed, &later)
	h.reconcile(t)

	if got := h.tune.Limiter().Limit(); got != 10 {
		t.Fatalf("limit = %d, want the seed's parallelism 10", got)
	}
	if got := h.tune.Values(); got.PercentOfClustersToScore != 50 || got.CacheSyncTimeout != 30*time.Second || got.EstimatorTimeout != 30*time.Second {
		t.Fatalf("values in force %+v, want the seed's", got)
	}
	applied := h.get(t, "performance-tuning")
	expectApplied(t, applied, metav1.ConditionTrue, karmadaconfigv1alpha1.ReasonApplied, "parallelism 10, percentOfNodesToScore 50")
	want := karmadaconfigv1alpha1.EffectiveSettings{Parallelism: 10, PercentOfNodesToScore: 50,
		CacheSyncTimeout: metav1.Duration{Duration: 30 * time.Second}, EstimatorTimeout: metav1.Duration{Duration: 30 * time.Second}}
	if applied.Status.Effective == nil || *applied.Status.Effective != want {
		t.Fatalf("effective = %+v, want %+v", applied.Status.Effective, want)
	}
	superseded := h.get(t, "tuning-later")
	expectApplied(t, superseded, metav1.ConditionFalse, karmadaconfigv1alpha1.ReasonSuperseded, "KarmadaConfig performance-tuning is in force")
	if superseded.Status.Effective != nil {
		t.Fatalf("a superseded KarmadaConfig shows effective values %+v", superseded.Status.Effective)
	}
	if got := h.events(); len(got) != 2 {
		t.Fatalf("events %v, want one per KarmadaConfig", got)
	}

	// Nothing changed: no write, no event.
	h.reconcile(t)
	if got := h.events(); len(got) != 0 {
		t.Fatalf("events %v without a change", got)
	}

	// A new parallelism applies at once; the condition stays, so no event.
	applied.Spec.Scheduler.Parallelism = i32(3)
	applied.Generation = 2
	if err := h.hub.Update(context.Background(), applied); err != nil {
		t.Fatal(err)
	}
	h.reconcile(t)
	if got := h.tune.Limiter().Limit(); got != 3 {
		t.Fatalf("limit = %d after the change to 3", got)
	}
	applied = h.get(t, "performance-tuning")
	expectApplied(t, applied, metav1.ConditionTrue, karmadaconfigv1alpha1.ReasonApplied, "parallelism 3")
	if applied.Status.Effective.Parallelism != 3 {
		t.Fatalf("effective parallelism %d, want 3", applied.Status.Effective.Parallelism)
	}
	if got := h.events(); len(got) != 0 {
		t.Fatalf("events %v for a change that kept the condition", got)
	}

	// Deleting the one in force puts the next in force.
	if err := h.hub.Delete(context.Background(), applied); err != nil {
		t.Fatal(err)
	}
	h.reconcile(t)
	expectApplied(t, h.get(t, "tuning-later"), metav1.ConditionTrue, karmadaconfigv1alpha1.ReasonApplied, "parallelism 3")
	if got := h.events(); len(got) != 1 || !strings.Contains(got[0], "Normal Applied") {
		t.Fatalf("events %v, want one Normal Applied", got)
	}

	// Deleting them all brings the defaults back.
	if err := h.hub.Delete(context.Background(), h.get(t, "tuning-later")); err != nil {
		t.Fatal(err)
	}
	h.reconcile(t)
	if got := h.tune.Values(); got != defaults {
		t.Fatalf("values %+v after every KarmadaConfig was deleted, want the defaults %+v", got, defaults)
	}
	if got := h.tune.Limiter().Limit(); got != 512 {
		t.Fatalf("limit = %d after every KarmadaConfig was deleted, want 512", got)
	}
}

// TestInvalidKarmadaConfigIsReported: an object the schema would refuse
// (stored before it) is reported Invalid and changes nothing.
func TestInvalidKarmadaConfigIsReported(t *testing.T) {
	bad := seed10("bad")
	bad.Spec.Scheduler.PercentOfNodesToScore = i32(150)
	h := newHarness(t, &bad)
	h.reconcile(t)
	expectApplied(t, h.get(t, "bad"), metav1.ConditionFalse, karmadaconfigv1alpha1.ReasonInvalid, "spec.scheduler.percentOfNodesToScore 150 is not between 0 and 100")
	if got := h.tune.Values(); got != defaults {
		t.Fatalf("values %+v with only an invalid KarmadaConfig, want the defaults", got)
	}
	if got := h.events(); len(got) != 1 || !strings.Contains(got[0], "Warning Invalid") {
		t.Fatalf("events %v, want one Warning Invalid", got)
	}
}
