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

// Package temporalshift starts deferrable Jobs at the greenest or cheapest
// time before their deadline. A user creates a Job template suspended, with
// a deadline and an expected duration in its annotations; once the
// scheduler has placed it, this controller chooses its start from the
// forecasts of the clusters it is placed on (package timeshift), records
// the choice in the template's annotations and, at that time, clears
// spec.suspend: the members' copies start through normal propagation.
// Every decision is read back from the annotations, so a restarted
// controller neither forgets a start nor moves it without cause.
package temporalshift

import (
	"context"
	"fmt"
	"maps"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/timeshift"
)

// Reconciler owns the timeshift annotations of Job templates and their
// spec.suspend, which it only ever clears, once.
type Reconciler struct {
	Client client.Client
	// Reader reads Jobs from the API server: a choice is made on the Job
	// as it stands, never on a cached copy that lacks the last decision.
	Reader   client.Reader
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
}

// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings,verbs=get;list;watch
// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile moves one Job through its phases: validated, placed, planned,
// started.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	// Most Jobs are not deferrable: the cached metadata says so without a
	// read from the API server.
	cached := &metav1.PartialObjectMetadata{}
	cached.SetGroupVersionKind(batchv1.SchemeGroupVersion.WithKind("Job"))
	if err := r.Client.Get(ctx, req.NamespacedName, cached); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if _, ok := cached.Annotations[timeshift.Deadline]; !ok {
		return ctrl.Result{}, nil
	}
	job := &batchv1.Job{}
	if err := r.Reader.Get(ctx, req.NamespacedName, job); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !job.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	if _, started := job.Annotations[timeshift.StartedAt]; started {
		return ctrl.Result{}, nil
	}
	request, found, err := timeshift.ParseRequest(job.Annotations)
	if !found {
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, r.setStatus(ctx, job, status{PhaseInvalid, err.Error()})
	}
	if !ptr.Deref(job.Spec.Suspend, false) {
		return ctrl.Result{}, r.setStatus(ctx, job, status{PhaseNotSuspended,
			"spec.suspend is not true, so the Job runs as soon as it is propagated; create it suspended for Kurator to choose its start"})
	}
	placements, err := r.placements(ctx, job)
	if err != nil {
		return ctrl.Result{}, err
	}
	if len(placements) == 0 {
		return ctrl.Result{}, r.setStatus(ctx, job, status{PhaseWaitingForDecision,
			"no cluster is chosen for the Job yet; its start is chosen on the forecasts of the clusters it is placed on"})
	}
	return r.planAndStart(ctx, job, request, placements)
}

// planAndStart chooses the start when needed, and clears spec.suspend once
// it has come.
func (r *Reconciler) planAndStart(ctx context.Context, job *batchv1.Job, request timeshift.Request, placements []timeshift.Placement) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	now := r.Clock.Now()
	basis := timeshift.Basis(request, placements)
	fleet := timeshift.Fleet(request.Mode, placements, now)
	rec := recordedPlan(job.Annotations)
	start := rec.start
	changes := map[string]*string{}
	var planned *status
	if needsChoice(rec, basis, request.LatestStart(), now, len(fleet.Included) > 0) {
		choice, err := timeshift.ChooseStart(now, request.Deadline, request.Duration, fleet.Signal, fleet.Boundaries)
		if err != nil {
			return ctrl.Result{}, fmt.Errorf("choose the start of Job %s/%s: %w", job.Namespace, job.Name, err)
		}
		st := plannedStatus(choice, request, fleet, now)
		changes = planAnnotations(choice, basis, st)
		if st.String() != job.Annotations[timeshift.ShiftStatus] {
			planned = &st
		}
		start = choice.Start
		log.Info("Start chosen", "start", start, "reason", choice.Reason, "mode", request.Mode, "mean", choice.Mean,
			"startNowMean", choice.NowMean, "replanned", rec.ok, "missing", fleet.Missing)
	}
	var started *status
	if !now.Before(start) {
		view := maps.Clone(job.Annotations)
		for k, v := range changes {
			if v != nil {
				view[k] = *v
			}
		}
		st := startedStatus(view, now)
		changes[timeshift.StartedAt] = ptrTo(now.UTC().Format(time.RFC3339))
		changes[timeshift.ShiftStatus] = ptrTo(st.String())
		started = &st
	}
	if len(changes) > 0 {
		if err := r.patch(ctx, job, changes, started != nil); err != nil {
			return ctrl.Result{}, err
		}
	}
	if planned != nil {
		r.event(job, *planned)
	}
	if started != nil {
		log.Info("Job started", "plannedStart", start, "lateBy", now.Sub(start))
		r.event(job, *started)
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: start.Sub(now)}, nil
}

// placements are the clusters the scheduler chose for the Job, empty
// until it has; a binding left from an earlier Job of the same name does
// not count.
func (r *Reconciler) placements(ctx context.Context, job *batchv1.Job) ([]timeshift.Placement, error) {
	rb := &workv1alpha2.ResourceBinding{}
	key := client.ObjectKey{Namespace: job.Namespace, Name: workv1alpha2.BindingName(job.Name, "Job")}
	if err := r.Client.Get(ctx, key, rb); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	if rb.Spec.Resource.UID != "" && rb.Spec.Resource.UID != job.UID {
		return nil, nil
	}
	out := make([]timeshift.Placement, 0, len(rb.Spec.Clusters))
	for _, tc := range rb.Spec.Clusters {
		p := timeshift.Placement{Name: tc.Name, Replicas: tc.Replicas}
		c := &karmadaclusterv1alpha1.Cluster{}
		err := r.Client.Get(ctx, client.ObjectKey{Name: tc.Name}, c)
		switch {
		case err == nil:
			p.Cluster = c
		case !apierrors.IsNotFound(err):
			return nil, fmt.Errorf("read cluster %s of Job %s/%s: %w", tc.Name, job.Namespace, job.Name, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// setStatus records a phase without a plan, and announces it once.
func (r *Reconciler) setStatus(ctx context.Context, job *batchv1.Job, st status) error {
	if job.Annotations[timeshift.ShiftStatus] == st.String() {
		return nil
	}
	ctrl.LoggerFrom(ctx).Info("Temporal shift phase changed", "phase", st.phase, "message", st.message)
	if err := r.patch(ctx, job, map[string]*string{timeshift.ShiftStatus: ptrTo(st.String())}, false); err != nil {
		return err
	}
	r.event(job, st)
	return nil
}

// patch writes annotation changes (nil removes) and, when unsuspend is set,
// spec.suspend=false, failing on a concurrent change so that the next
// pass decides on the newer Job.
func (r *Reconciler) patch(ctx context.Context, job *batchv1.Job, annotations map[string]*string, unsuspend bool) error {
	before := job.DeepCopy()
	if job.Annotations == nil {
		job.Annotations = map[string]string{}
	}
	for k, v := range annotations {
		if v == nil {
			delete(job.Annotations, k)
		} else {
			job.Annotations[k] = *v
		}
	}
	if unsuspend {
		job.Spec.Suspend = ptr.To(false)
	}
	if err := r.Client.Patch(ctx, job, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("record the temporal shift of Job %s/%s: %w", job.Namespace, job.Name, err)
	}
	return nil
}

func (r *Reconciler) event(job *batchv1.Job, st status) {
	if r.Recorder != nil {
		r.Recorder.Eventf(job, nil, st.eventType(), st.phase, "TemporalShift", "%s", st.message)
	}
}

// SetupWithManager watches Job templates' metadata (only those with a
// deadline, on spec or annotation changes), the bindings' decisions and
// the clusters' properties.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.Reader == nil {
		r.Reader = r.Client
	}
	return setupWatches(mgr, r)
}

// jobKey is the request of a Job template.
func jobKey(namespace, name string) ctrl.Request {
	return ctrl.Request{NamespacedName: client.ObjectKey{Namespace: namespace, Name: name}}
}

// pendingJobs lists the deferrable Jobs not started yet, from the
// metadata cache.
func (r *Reconciler) pendingJobs(ctx context.Context) ([]ctrl.Request, error) {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(batchv1.SchemeGroupVersion.WithKind("JobList"))
	if err := r.Client.List(ctx, list); err != nil {
		return nil, fmt.Errorf("list Jobs: %w", err)
	}
	var out []ctrl.Request
	for _, j := range list.Items {
		_, deferrable := j.Annotations[timeshift.Deadline]
		_, started := j.Annotations[timeshift.StartedAt]
		if deferrable && !started {
			out = append(out, jobKey(j.Namespace, j.Name))
		}
	}
	return out, nil
}
