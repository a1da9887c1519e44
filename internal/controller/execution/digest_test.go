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

package execution

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/utils/clock"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// ownedByKurator is the field set the fake member records for Kurator's
// apply of a ConfigMap manifest with data key k.
const ownedByKurator = `{"f:data":{"f:k":{}}}`

// fakeMember returns a member API whose server-side apply stores the
// object as applied by Kurator, keeping the UID of an existing object, as
// a real API server does. The live objects are there from the start.
func fakeMember(t *testing.T, live ...*unstructured.Unstructured) *dynamicfake.FakeDynamicClient {
	t.Helper()
	objects := make([]runtime.Object, 0, len(live))
	for _, o := range live {
		objects = append(objects, o)
	}
	member := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{configMaps: "ConfigMapList"}, objects...)
	tracker := member.Tracker()
	member.PrependReactor("patch", "configmaps", func(action clienttesting.Action) (bool, runtime.Object, error) {
		patch, ok := action.(clienttesting.PatchAction)
		if !ok || patch.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		obj := &unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(patch.GetPatch()); err != nil {
			return true, nil, err
		}
		existing, err := tracker.Get(configMaps, patch.GetNamespace(), patch.GetName())
		switch {
		case apierrors.IsNotFound(err):
			obj.SetUID(types.UID("created-" + patch.GetName()))
		case err != nil:
			return true, nil, err
		default:
			obj.SetUID(existing.(metav1.Object).GetUID())
		}
		obj.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: fieldManager, Operation: metav1.ManagedFieldsOperationApply,
			APIVersion: "v1", FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(ownedByKurator)}})
		if existing == nil {
			err = tracker.Create(configMaps, obj, patch.GetNamespace())
		} else {
			err = tracker.Update(configMaps, obj, patch.GetNamespace())
		}
		return true, obj, err
	})
	return member
}

// applies counts the server-side applies the member received.
func applies(member *dynamicfake.FakeDynamicClient) int {
	n := 0
	for _, a := range member.Actions() {
		if p, ok := a.(clienttesting.PatchAction); ok && p.GetPatchType() == types.ApplyPatchType {
			n++
		}
	}
	return n
}

// freshMemberClient is the member client of an executor that just started:
// it remembers nothing it applied.
func freshMemberClient(t *testing.T, member *dynamicfake.FakeDynamicClient) *memberClient {
	mc := &memberClient{dynamic: member, watcher: member, mapper: testMapper(), enqueue: func(types.NamespacedName) {}, clock: clock.RealClock{},
		informer: map[schema.GroupVersionResource]*informer{}, uses: map[types.NamespacedName]sets.Set[schema.GroupVersionResource]{},
		watchers: map[schema.GroupVersionResource]int{}, applied: map[objectRef]appliedRecord{}, namespaces: sets.New("n")}
	t.Cleanup(mc.stopAll)
	return mc
}

func configMapTarget(t *testing.T, value string) *target {
	t.Helper()
	obj, err := decode(manifest(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"},"data":{"k":"`+value+`"}}`), "ns/w")
	if err != nil {
		t.Fatal(err)
	}
	tg, err := resolve(testMapper(), obj, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// liveConfigMap is the member's copy of ConfigMap n/c with the given UID
// and field managers.
func liveConfigMap(t *testing.T, uid, managedFields string) *unstructured.Unstructured {
	return object(t, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n","uid":"`+uid+`",
		"labels":{"kurator.dev/managed-by":"kurator"},"annotations":{"kurator.dev/work":"ns/w"},"managedFields":`+managedFields+`},"data":{"k":"v1"}}`)
}

func TestRestartedExecutorTrustsOnlyAMatchingDigest(t *testing.T) {
	asApplied := `[{"manager":"kurator","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":` + ownedByKurator + `}]`
	// The digest the executor recorded before its restart, after applying
	// value v1 to the object with UID u1.
	recorded := appliedDigest(liveConfigMap(t, "u1", asApplied), configMapTarget(t, "v1").hash)
	cases := []struct {
		name      string
		live      *unstructured.Unstructured
		value     string
		digest    string
		wantApply bool
	}{
		{name: "unchanged object and manifest", live: liveConfigMap(t, "u1", asApplied), value: "v1", digest: recorded},
		{name: "someone else's fields changed only", value: "v1", digest: recorded, live: liveConfigMap(t, "u1", `[`+
			`{"manager":"kurator","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":`+ownedByKurator+`},`+
			`{"manager":"kubectl-edit","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:other":{}}}}]`)},
		{name: "another manager took a field of Kurator's", value: "v1", digest: recorded, wantApply: true, live: liveConfigMap(t, "u1", `[`+
			`{"manager":"kurator","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{}}}},`+
			`{"manager":"kubectl-edit","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":`+ownedByKurator+`}]`)},
		{name: "object recreated with a new UID", live: liveConfigMap(t, "u2", asApplied), value: "v1", digest: recorded, wantApply: true},
		{name: "manifest changed", live: liveConfigMap(t, "u1", asApplied), value: "v2", digest: recorded, wantApply: true},
		{name: "no digest recorded", live: liveConfigMap(t, "u1", asApplied), value: "v1", wantApply: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			member := fakeMember(t, tc.live)
			tg := configMapTarget(t, tc.value)
			o := freshMemberClient(t, member).apply(context.Background(), tg, "ns/w", tc.digest)
			if o.err != nil || o.conflict != "" {
				t.Fatalf("apply: err %v, conflict %q", o.err, o.conflict)
			}
			if got := applies(member); (got > 0) != tc.wantApply || got > 1 {
				t.Fatalf("member saw %d applies, want an apply: %v", got, tc.wantApply)
			}
			stored, err := member.Resource(configMaps).Namespace("n").Get(context.Background(), "c", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// The digest to record is that of the object as it now is.
			if want := appliedDigest(stored, tg.hash); o.digest == "" || o.digest != want {
				t.Errorf("outcome digest %q, want %q", o.digest, want)
			}
		})
	}
}

func TestDigestTrustedOnceIsRemembered(t *testing.T) {
	asApplied := `[{"manager":"kurator","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":` + ownedByKurator + `}]`
	live := liveConfigMap(t, "u1", asApplied)
	tg := configMapTarget(t, "v1")
	member := fakeMember(t, live)
	mc := freshMemberClient(t, member)
	ctx := context.Background()
	if o := mc.apply(ctx, tg, "ns/w", appliedDigest(live, tg.hash)); o.err != nil {
		t.Fatal(o.err)
	}
	// A later pass no longer needs the status: the match was remembered.
	if o := mc.apply(ctx, tg, "ns/w", ""); o.err != nil {
		t.Fatal(o.err)
	}
	if n := applies(member); n != 0 {
		t.Errorf("member saw %d applies, want none", n)
	}
}

// applyWorkOnce runs one apply pass of work, whose last status is before,
// and returns the status it would write.
func applyWorkOnce(t *testing.T, mc *memberClient, work *workv1alpha1.Work, before workv1alpha1.WorkStatus) workv1alpha1.WorkStatus {
	t.Helper()
	r := &Reconciler{Clock: clock.RealClock{}, Options: withDefaults(Options{SyncTimeout: 10 * time.Second})}
	s := &scope{work: work.DeepCopy(), before: work.DeepCopy(), cluster: "m"}
	s.before.Status, s.work.Status = before, *before.DeepCopy()
	if _, err := r.applyWork(context.Background(), s, mc); err != nil {
		t.Fatalf("applyWork: %v", err)
	}
	return s.work.Status
}

func TestRestartSendsNothingWhenTheStatusCarriesTheDigests(t *testing.T) {
	work := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "w", Generation: 1}}
	for _, name := range []string{"a", "b", "c"} {
		work.Spec.Workload.Manifests = append(work.Spec.Workload.Manifests,
			manifest(fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q,"namespace":"n"},"data":{"k":"v"}}`, name)))
	}
	member := fakeMember(t)

	first := applyWorkOnce(t, freshMemberClient(t, member), work, workv1alpha1.WorkStatus{})
	if n := applies(member); n != 3 {
		t.Fatalf("first pass: member saw %d applies, want 3", n)
	}
	for _, st := range first.ManifestStatuses {
		if st.AppliedDigest == "" || len(st.AppliedDigest) != appliedDigestLength {
			t.Fatalf("status of %s has digest %q, want one of %d characters", st.Identifier.Name, st.AppliedDigest, appliedDigestLength)
		}
	}

	member.ClearActions()
	restarted := applyWorkOnce(t, freshMemberClient(t, member), work, first)
	if n := applies(member); n != 0 {
		t.Errorf("after a restart: member saw %d applies, want none", n)
	}
	// The same status is computed again, so nothing is written either.
	if diff := cmp.Diff(first.ManifestStatuses, restarted.ManifestStatuses); diff != "" {
		t.Errorf("manifest statuses after a restart (-before +after):\n%s", diff)
	}

	member.ClearActions()
	applyWorkOnce(t, freshMemberClient(t, member), work, workv1alpha1.WorkStatus{})
	if n := applies(member); n != 3 {
		t.Errorf("restart without recorded digests: member saw %d applies, want 3", n)
	}
}
