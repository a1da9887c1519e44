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

package temporalshift

import (
	"context"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/timeshift"
)

// deferrable passes Jobs with a deadline: the others are never read.
var deferrable = predicate.NewPredicateFuncs(func(o client.Object) bool {
	_, ok := o.GetAnnotations()[timeshift.Deadline]
	return ok
})

// decisionChanged passes a binding's creation and changes of its
// scheduling decision, not its frequent status updates.
var decisionChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		old, okOld := e.ObjectOld.(*workv1alpha2.ResourceBinding)
		cur, okNew := e.ObjectNew.(*workv1alpha2.ResourceBinding)
		return okOld && okNew && !slices.Equal(old.Spec.Clusters, cur.Spec.Clusters)
	},
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
}

// jobOfBinding maps a Job's binding to the Job; Reconcile skips Jobs
// without a deadline.
func jobOfBinding(_ context.Context, obj client.Object) []ctrl.Request {
	rb, ok := obj.(*workv1alpha2.ResourceBinding)
	if !ok {
		return nil
	}
	ref := rb.Spec.Resource
	if ref.Kind != "Job" || schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).Group != batchv1.GroupName {
		return nil
	}
	return []ctrl.Request{jobKey(rb.Namespace, ref.Name)}
}

// jobsOfCluster: a cluster's new properties may change the plan of any
// Job not started yet.
func (r *Reconciler) jobsOfCluster(ctx context.Context, _ client.Object) []ctrl.Request {
	reqs, err := r.pendingJobs(ctx)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list deferrable Jobs for a cluster change")
	}
	return reqs
}

func setupWatches(mgr ctrl.Manager, r *Reconciler) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("temporalshift").
		For(&batchv1.Job{}, builder.OnlyMetadata, builder.WithPredicates(deferrable,
			predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&workv1alpha2.ResourceBinding{}, handler.EnqueueRequestsFromMapFunc(jobOfBinding), builder.WithPredicates(decisionChanged)).
		Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(r.jobsOfCluster),
			builder.WithPredicates(predicate.Or[client.Object](predicate.AnnotationChangedPredicate{}, predicate.LabelChangedPredicate{}))).
		Complete(retry.OnConflict(r))
}
