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
	"errors"
	"fmt"
	"net"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
)

// applyResult summarises one pass over the manifests.
type applyResult struct {
	statuses  []workv1alpha1.ManifestStatus
	failures  []string
	conflicts []string
	// invalid counts the failures of manifests that cannot be decoded;
	// only a new spec helps them.
	invalid int
	// unreachable counts the failures of a member that did not answer
	// (down, not yet marked not ready): waiting, not an error.
	unreachable int
	// watched is false when some applied objects have no listed informer,
	// so drift would go unnoticed without polling.
	watched bool
}

// unreachableRetry is how soon a Work whose member did not answer is
// applied again, until the member is marked not ready (then
// Options.NotReadyRetry) or answers.
const unreachableRetry = time.Second

// unreachable reports an error of a member that did not answer, as opposed
// to one that refused the object.
func unreachable(err error) bool {
	var netErr net.Error
	return utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) ||
		errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err)
}

// applyWork applies every manifest, prunes objects of manifests that were
// removed, and records status, health and conditions.
func (r *Reconciler) applyWork(ctx context.Context, s *scope, mc *memberClient) (ctrl.Result, error) {
	key := workKey(s.work.Namespace, s.work.Name)
	res := applyResult{}
	var targets []*target
	for i, m := range s.work.Spec.Workload.Manifests {
		obj, err := decode(m, key)
		if err != nil {
			res.invalid++
			res.failures = append(res.failures, fmt.Sprintf("manifest %d: %v", i, err))
			continue
		}
		t, err := resolve(mc.mapper, obj, i)
		if err != nil {
			if errors.Is(err, errNoNamespace) {
				res.invalid++
			}
			res.failures = append(res.failures, fmt.Sprintf("manifest %d: %v", i, err))
			continue
		}
		targets = append(targets, t)
	}
	complete := len(targets) == len(s.work.Spec.Workload.Manifests)

	gvrs := make([]schema.GroupVersionResource, 0, len(targets))
	for _, t := range targets {
		gvrs = append(gvrs, t.gvr)
	}
	mc.watch(s.key(), gvrs)

	recorded := recordedDigests(s.before.Status.ManifestStatuses)
	reports := podMetricsReports(s.before.Status.ManifestStatuses)
	for _, t := range targets {
		// The agent's pod metrics report is not the executor's to write:
		// it is kept as read, and the optimistic lock of writeStatus turns
		// a report written meanwhile into a conflict, not a loss.
		st := workv1alpha1.ManifestStatus{Identifier: t.id, Health: workv1alpha1.ResourceUnknown, PodMetrics: reports[t.ref()]}
		o := mc.apply(ctx, t, key, recorded[t.ref()])
		switch {
		case o.err != nil:
			res.failures = append(res.failures, errorText(t.id, o.err))
			if unreachable(o.err) {
				res.unreachable++
			}
		case o.conflict != "":
			res.conflicts = append(res.conflicts, o.conflict)
		default:
			in := interpreter.For(o.live.GroupVersionKind())
			status, err := in.ReflectStatus(o.live)
			if err != nil {
				res.failures = append(res.failures, errorText(t.id, err))
			}
			st.Status, st.Health, st.AppliedDigest = status, in.InterpretHealth(o.live), o.digest
		}
		res.statuses = append(res.statuses, st)
	}
	// The first Work of a kind in a member starts its informer: applying
	// does not wait for it to list (objects missing from the cache are
	// read), only the verdict on whether drift is watched does.
	res.watched = mc.synced(ctx, gvrs, r.Options.SyncTimeout)
	// Without every manifest resolved, a missing one may only be
	// unresolvable for now: pruning it would delete a live object.
	if complete {
		r.prune(ctx, s, mc, targets, &res)
	}
	s.work.Status.ManifestStatuses = res.statuses
	r.setApplied(s.work, &res)
	r.setAvailable(s.work, res.statuses, len(s.work.Spec.Workload.Manifests))

	switch {
	case len(res.failures) > 0 && res.invalid == len(res.failures):
		return ctrl.Result{}, reconcile.TerminalError(errors.New(res.failures[0]))
	case len(res.failures) > 0 && res.unreachable == len(res.failures):
		// The member's readiness flip wakes the Work too.
		ctrl.LoggerFrom(ctx).V(2).Info("Member unreachable, retrying", "cluster", s.cluster, "failures", len(res.failures), "first", res.failures[0])
		return ctrl.Result{RequeueAfter: unreachableRetry}, nil
	case len(res.failures) > 0:
		return ctrl.Result{}, fmt.Errorf("%d manifest(s) not applied, first: %s", len(res.failures), res.failures[0])
	case len(res.conflicts) > 0:
		return ctrl.Result{RequeueAfter: r.Options.ConflictRetry}, nil
	case !res.watched:
		return ctrl.Result{RequeueAfter: r.Options.PollInterval}, nil
	}
	ctrl.LoggerFrom(ctx).V(4).Info("Applied Work", "manifests", len(targets))
	return ctrl.Result{}, nil
}

// recordedDigests indexes the applied digests of a Work's status by object.
// The manifest's ordinal and version are left out: the hash in the digest
// already changes with the manifest's content.
func recordedDigests(statuses []workv1alpha1.ManifestStatus) map[objectRef]string {
	out := make(map[objectRef]string, len(statuses))
	for _, st := range statuses {
		if st.AppliedDigest != "" {
			id := st.Identifier
			out[objectRef{group: id.Group, resource: id.Resource, namespace: id.Namespace, name: id.Name}] = st.AppliedDigest
		}
	}
	return out
}

// podMetricsReports indexes the agent's pod metrics reports of a Work's
// status by object.
func podMetricsReports(statuses []workv1alpha1.ManifestStatus) map[objectRef]*workv1alpha1.PodMetricsSummary {
	out := map[objectRef]*workv1alpha1.PodMetricsSummary{}
	for _, st := range statuses {
		if st.PodMetrics != nil {
			id := st.Identifier
			out[objectRef{group: id.Group, resource: id.Resource, namespace: id.Namespace, name: id.Name}] = st.PodMetrics
		}
	}
	return out
}

// prune deletes the objects of manifests that left the Work. A failed
// deletion keeps the object's status entry so that it is tried again.
func (r *Reconciler) prune(ctx context.Context, s *scope, mc *memberClient, targets []*target, res *applyResult) {
	current := map[objectRef]bool{}
	for _, t := range targets {
		current[t.ref()] = true
	}
	key := workKey(s.work.Namespace, s.work.Name)
	for _, st := range s.before.Status.ManifestStatuses {
		id := st.Identifier
		ref := objectRef{group: id.Group, resource: id.Resource, namespace: id.Namespace, name: id.Name}
		if current[ref] {
			continue
		}
		gvr := schema.GroupVersionResource{Group: id.Group, Version: id.Version, Resource: id.Resource}
		if err := mc.remove(ctx, gvr, id.Namespace, id.Name, key, false); err != nil {
			res.failures = append(res.failures, errorText(id, err))
			res.statuses = append(res.statuses, st)
		}
	}
}

// cleanup removes, or with preserveResourcesOnDeletion releases, every
// object the Work applied: those its status lists and those its manifests
// name (in case the status was not written after an apply).
func (r *Reconciler) cleanup(ctx context.Context, s *scope, mc *memberClient) error {
	key := workKey(s.work.Namespace, s.work.Name)
	type object struct {
		gvr             schema.GroupVersionResource
		namespace, name string
	}
	seen := map[objectRef]bool{}
	var objects []object
	add := func(gvr schema.GroupVersionResource, namespace, name string) {
		ref := objectRef{group: gvr.Group, resource: gvr.Resource, namespace: namespace, name: name}
		if !seen[ref] {
			seen[ref] = true
			objects = append(objects, object{gvr: gvr, namespace: namespace, name: name})
		}
	}
	for _, st := range s.work.Status.ManifestStatuses {
		id := st.Identifier
		add(schema.GroupVersionResource{Group: id.Group, Version: id.Version, Resource: id.Resource}, id.Namespace, id.Name)
	}
	for i, m := range s.work.Spec.Workload.Manifests {
		obj, err := decode(m, key)
		if err != nil {
			continue
		}
		t, err := resolve(mc.mapper, obj, i)
		switch {
		case err == nil:
			add(t.gvr, t.id.Namespace, t.id.Name)
		case !meta.IsNoMatchError(err) && !errors.Is(err, errNoNamespace):
			// A kind the member does not serve, or an invalid manifest,
			// has no object to remove; any other error may hide one.
			return err
		}
	}
	preserve := ptr.Deref(s.work.Spec.PreserveResourcesOnDeletion, false)
	var errs []error
	for _, o := range objects {
		if err := mc.remove(ctx, o.gvr, o.namespace, o.name, key, preserve); err != nil {
			errs = append(errs, fmt.Errorf("%s %s/%s: %w", o.gvr.Resource, o.namespace, o.name, err))
		}
	}
	return errors.Join(errs...)
}
