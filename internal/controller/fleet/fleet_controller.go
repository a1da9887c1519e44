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
// Package fleet keeps each Fleet's status: which of its clusters exist and
// are Ready, and a Ready condition summarising them.
package fleet

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/controller/retry"
)

// Reconciler maintains one Fleet's status.
type Reconciler struct {
	Client   client.Client
	Recorder events.EventRecorder
	// Clock dates the Ready condition's transitions; SetupWithManager
	// defaults it to the wall clock.
	Clock clock.PassiveClock
}

// SetupWithManager registers the controller; changes of member clusters map
// to the Fleets that list them.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("fleet").
		For(&fleetv1alpha1.Fleet{}).
		Watches(&clusterv1alpha1.AttachedCluster{}, handler.EnqueueRequestsFromMapFunc(r.fleetsListing)).
		Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(r.fleetsListing)).
		Complete(retry.OnConflict(r))
}

// +kubebuilder:rbac:groups=fleet.kurator.dev,resources=fleets;fleets/status,verbs=get;list;watch;update;patch

// Reconcile recomputes the Fleet's status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	f := &fleetv1alpha1.Fleet{}
	if err := r.Client.Get(ctx, req.NamespacedName, f); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := f.DeepCopy()
	statuses := make([]fleetv1alpha1.FleetClusterStatus, 0, len(f.Spec.Clusters))
	var ready, notReady int32
	var problems []string
	for _, fc := range f.Spec.Clusters {
		st, err := r.clusterStatus(ctx, f.Namespace, fc)
		if err != nil {
			return ctrl.Result{}, err
		}
		if st.Ready == metav1.ConditionTrue {
			ready++
		} else {
			notReady++
			problems = append(problems, fmt.Sprintf("%s (%s)", st.Name, st.Reason))
		}
		statuses = append(statuses, st)
	}
	f.Status.Clusters = statuses
	f.Status.TotalClusters = int32(len(statuses))
	f.Status.ReadyClusters, f.Status.NotReadyClusters = ready, notReady
	f.Status.ObservedGeneration = f.Generation
	cond := metav1.Condition{Type: fleetv1alpha1.ConditionReady, ObservedGeneration: f.Generation, LastTransitionTime: metav1.NewTime(r.Clock.Now())}
	switch {
	case len(statuses) == 0:
		f.Status.Phase = fleetv1alpha1.FleetPhasePending
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, fleetv1alpha1.ReasonNoClusters, "the fleet lists no clusters"
	case notReady == 0:
		f.Status.Phase = fleetv1alpha1.FleetPhaseReady
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, fleetv1alpha1.ReasonAllClustersReady, fmt.Sprintf("all %d clusters are ready", ready)
	default:
		f.Status.Phase = fleetv1alpha1.FleetPhaseNotReady
		cond.Status, cond.Reason = metav1.ConditionFalse, fleetv1alpha1.ReasonClustersNotReady
		cond.Message = fmt.Sprintf("%d of %d clusters are not ready: %s", notReady, len(statuses), strings.Join(problems, ", "))
	}
	wasReady := apimeta.IsStatusConditionTrue(before.Status.Conditions, fleetv1alpha1.ConditionReady)
	apimeta.SetStatusCondition(&f.Status.Conditions, cond)
	if equality.Semantic.DeepEqual(before.Status, f.Status) {
		return ctrl.Result{}, nil
	}
	if err := r.Client.Status().Update(ctx, f); err != nil {
		return ctrl.Result{}, err
	}
	if isReady := cond.Status == metav1.ConditionTrue; isReady != wasReady {
		eventType := corev1.EventTypeNormal
		if !isReady {
			eventType = corev1.EventTypeWarning
		}
		r.Recorder.Eventf(f, nil, eventType, cond.Reason, "Summarize", "%s", cond.Message)
	}
	return ctrl.Result{}, nil
}

// clusterStatus resolves one entry of the fleet to its Cluster's readiness.
func (r *Reconciler) clusterStatus(ctx context.Context, namespace string, fc fleetv1alpha1.FleetCluster) (fleetv1alpha1.FleetClusterStatus, error) {
	st := fleetv1alpha1.FleetClusterStatus{Name: fc.Name, Kind: fc.EffectiveKind(), Ready: metav1.ConditionFalse}
	clusterName := fc.Name
	if fc.EffectiveKind() == fleetv1alpha1.FleetClusterKindAttachedCluster {
		ac := &clusterv1alpha1.AttachedCluster{}
		if err := r.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: fc.Name}, ac); err != nil {
			if apierrors.IsNotFound(err) {
				st.Reason, st.Message = fleetv1alpha1.ReasonClusterNotFound, "no AttachedCluster "+fc.Name+" in namespace "+namespace
				return st, nil
			}
			return st, err
		}
		if ac.Status.ClusterName == "" {
			c := apimeta.FindStatusCondition(ac.Status.Conditions, clusterv1alpha1.ConditionReady)
			st.Reason, st.Message = "Pending", "the AttachedCluster has no Cluster yet"
			if c != nil {
				st.Reason, st.Message = c.Reason, c.Message
			}
			return st, nil
		}
		clusterName = ac.Status.ClusterName
	}
	cluster := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: clusterName}, cluster); err != nil {
		if apierrors.IsNotFound(err) {
			st.Reason, st.Message = fleetv1alpha1.ReasonClusterNotFound, "no Cluster "+clusterName
			return st, nil
		}
		return st, err
	}
	c := apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
	if c == nil {
		st.Ready, st.Reason, st.Message = metav1.ConditionUnknown, "Probing", "waiting for the first health probe"
		return st, nil
	}
	st.Ready, st.Reason, st.Message = c.Status, c.Reason, c.Message
	return st, nil
}

// fleetsListing maps an AttachedCluster or Cluster to the Fleets naming it.
func (r *Reconciler) fleetsListing(ctx context.Context, obj client.Object) []reconcile.Request {
	var fleets fleetv1alpha1.FleetList
	var opts []client.ListOption
	name := obj.GetName()
	if _, attached := obj.(*clusterv1alpha1.AttachedCluster); attached {
		opts = append(opts, client.InNamespace(obj.GetNamespace()))
	} else if acName := obj.GetLabels()[clusterv1alpha1.LabelAttachedClusterName]; acName != "" {
		name = acName
		opts = append(opts, client.InNamespace(obj.GetLabels()[clusterv1alpha1.LabelAttachedClusterNamespace]))
	}
	if err := r.Client.List(ctx, &fleets, opts...); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, f := range fleets.Items {
		for _, fc := range f.Spec.Clusters {
			if fc.Name == name {
				out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&f)})
				break
			}
		}
	}
	return out
}
