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
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	"kurator.dev/kurator/internal/message"
	"kurator.dev/kurator/internal/scheduler/tuning"
)

// Applier puts the KarmadaConfig in force into Tuning. It runs on every
// replica: a replica elected later schedules with the settings at once.
type Applier struct {
	Reader client.Reader
	Tuning *tuning.Tuning

	mu sync.Mutex
	// last is what was put in force last, to log changes only.
	last *choice
}

// Load reads every KarmadaConfig through reader and applies the one in
// force, or the defaults when there is none.
func (a *Applier) Load(ctx context.Context, reader client.Reader) error {
	list := &karmadaconfigv1alpha1.KarmadaConfigList{}
	if err := reader.List(ctx, list); err != nil {
		return fmt.Errorf("listing KarmadaConfigs: %w", err)
	}
	c := choose(list.Items, a.Tuning.Defaults())
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Tuning.Apply(c.values)
	if a.last != nil && a.last.inForce == c.inForce && a.last.values == c.values {
		return nil
	}
	a.last = &c
	v := a.Tuning.Values()
	if c.inForce == "" {
		ctrl.LoggerFrom(ctx).Info("Scheduler tuning: no KarmadaConfig in force, defaults apply",
			"parallelism", v.Parallelism, "percentOfNodesToScore", v.PercentOfClustersToScore,
			"cacheSyncTimeout", v.CacheSyncTimeout.String(), "estimatorTimeout", v.EstimatorTimeout.String())
		return nil
	}
	ctrl.LoggerFrom(ctx).Info("Scheduler tuning: KarmadaConfig in force", "karmadaConfig", c.inForce,
		"parallelism", v.Parallelism, "percentOfNodesToScore", v.PercentOfClustersToScore,
		"cacheSyncTimeout", v.CacheSyncTimeout.String(), "estimatorTimeout", v.EstimatorTimeout.String())
	return nil
}

// Reconcile applies again on any change of any KarmadaConfig: they are
// few, and the choice needs them all.
func (a *Applier) Reconcile(ctx context.Context, _ ctrl.Request) (ctrl.Result, error) {
	return ctrl.Result{}, a.Load(ctx, a.Reader)
}

// StatusWriter writes every KarmadaConfig's Applied condition and
// effective values, with an event when the condition changes.
type StatusWriter struct {
	Client   client.Client
	Recorder events.EventRecorder
	// Defaults are the values without a KarmadaConfig (Tuning's).
	Defaults tuning.Values
}

// +kubebuilder:rbac:groups=karmada.io,resources=karmadaconfigs,verbs=get;list;watch
// +kubebuilder:rbac:groups=karmada.io,resources=karmadaconfigs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile writes the status of every KarmadaConfig: one change can move
// the choice, and so the status of the others.
func (w *StatusWriter) Reconcile(ctx context.Context, _ ctrl.Request) (ctrl.Result, error) {
	list := &karmadaconfigv1alpha1.KarmadaConfigList{}
	if err := w.Client.List(ctx, list); err != nil {
		return ctrl.Result{}, fmt.Errorf("listing KarmadaConfigs: %w", err)
	}
	c := choose(list.Items, w.Defaults)
	for i := range list.Items {
		kc := &list.Items[i]
		if !kc.DeletionTimestamp.IsZero() {
			continue
		}
		if err := w.write(ctx, kc, c); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, nil
}

func (w *StatusWriter) write(ctx context.Context, kc *karmadaconfigv1alpha1.KarmadaConfig, c choice) error {
	cond, effective := c.applied(kc)
	cond.Message = message.Truncate(cond.Message, message.ConditionMax)
	before := apimeta.FindStatusCondition(kc.Status.Conditions, karmadaconfigv1alpha1.ConditionApplied)
	transition := before == nil || before.Status != cond.Status || before.Reason != cond.Reason
	status := kc.Status.DeepCopy()
	apimeta.SetStatusCondition(&status.Conditions, cond)
	status.Effective = effective
	if equality.Semantic.DeepEqual(status, &kc.Status) {
		return nil
	}
	patch := client.MergeFrom(kc.DeepCopy())
	kc.Status = *status
	if err := w.Client.Status().Patch(ctx, kc, patch); err != nil {
		if apierrors.IsNotFound(err) {
			return nil // deleted meanwhile: the next reconcile sees it gone
		}
		return fmt.Errorf("writing the status of KarmadaConfig %s: %w", kc.Name, err)
	}
	if transition {
		kind := corev1.EventTypeNormal
		if cond.Status != metav1.ConditionTrue {
			kind = corev1.EventTypeWarning
		}
		w.Recorder.Eventf(kc, nil, kind, cond.Reason, "Apply", "%s", cond.Message)
	}
	return nil
}

// allKarmadaConfigs maps every event to one request: each reconcile looks
// at them all.
func allKarmadaConfigs(context.Context, client.Object) []reconcile.Request {
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: "karmadaconfigs"}}}
}

// Setup adds the Applier (every replica) and the StatusWriter (the leader)
// to mgr. Only spec changes, creations and deletions matter: status writes
// change nothing in force.
func Setup(mgr ctrl.Manager, applier *Applier, recorder events.EventRecorder) error {
	if applier.Reader == nil {
		applier.Reader = mgr.GetClient()
	}
	notLeaderElected := false
	if err := ctrl.NewControllerManagedBy(mgr).Named("karmadaconfig-apply").
		Watches(&karmadaconfigv1alpha1.KarmadaConfig{}, handler.EnqueueRequestsFromMapFunc(allKarmadaConfigs),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: 1, NeedLeaderElection: &notLeaderElected}).
		Complete(applier); err != nil {
		return err
	}
	writer := &StatusWriter{Client: mgr.GetClient(), Recorder: recorder, Defaults: applier.Tuning.Defaults()}
	return ctrl.NewControllerManagedBy(mgr).Named("karmadaconfig-status").
		Watches(&karmadaconfigv1alpha1.KarmadaConfig{}, handler.EnqueueRequestsFromMapFunc(allKarmadaConfigs),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: 1}).
		Complete(writer)
}
