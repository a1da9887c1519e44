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
// Package attachedcluster turns each AttachedCluster (a cluster reached
// through a kubeconfig Secret) into a cluster.karmada.io Cluster in the
// scheduler's inventory, and mirrors that Cluster's health back.
package attachedcluster

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/controller/retry"
)

// Finalizer lets the controller remove the Cluster before the AttachedCluster goes.
const Finalizer = "cluster.kurator.dev/attachedcluster"

// managedLabelsAnnotation records which Cluster labels this controller set.
const managedLabelsAnnotation = "cluster.kurator.dev/managed-labels"

// Reason for a Cluster name taken by another owner.
const ReasonClusterNameConflict = "ClusterNameConflict"

// Reconciler maintains one AttachedCluster.
type Reconciler struct {
	Client   client.Client
	Recorder events.EventRecorder
	// Clock dates the conditions' transitions; SetupWithManager defaults it
	// to the wall clock.
	Clock clock.PassiveClock
}

// SetupWithManager registers the controller; Secrets, Clusters and Fleets map
// back to the AttachedClusters they concern.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("attachedcluster").
		For(&clusterv1alpha1.AttachedCluster{}).
		Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(clusterToAttached)).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.secretToAttached)).
		Watches(&fleetv1alpha1.Fleet{}, handler.EnqueueRequestsFromMapFunc(fleetToAttached)).
		Complete(retry.OnConflict(r))
}

// +kubebuilder:rbac:groups=cluster.kurator.dev,resources=attachedclusters;attachedclusters/status;attachedclusters/finalizers,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=fleet.kurator.dev,resources=fleets,verbs=get;list;watch

// Reconcile runs the phases for one AttachedCluster.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, reterr error) {
	ac := &clusterv1alpha1.AttachedCluster{}
	if err := r.Client.Get(ctx, req.NamespacedName, ac); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !ac.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, ac)
	}
	if controllerutil.AddFinalizer(ac, Finalizer) {
		return ctrl.Result{}, r.Client.Update(ctx, ac)
	}
	before := ac.DeepCopy()
	defer func() {
		ac.Status.ObservedGeneration = ac.Generation
		if equality.Semantic.DeepEqual(before.Status, ac.Status) {
			return
		}
		if err := r.Client.Status().Update(ctx, ac); err != nil && reterr == nil {
			reterr = err
		}
	}()

	endpoint, ok, err := r.reconcileKubeconfig(ctx, ac)
	if err != nil || !ok {
		return ctrl.Result{}, err
	}
	cluster, err := r.reconcileCluster(ctx, ac, endpoint)
	if err != nil || cluster == nil {
		return ctrl.Result{}, err
	}
	r.mirrorHealth(ac, cluster)
	return ctrl.Result{}, nil
}

// reconcileKubeconfig checks the Secret statically (no network: the Cluster
// status controller probes). It returns the API endpoint.
func (r *Reconciler) reconcileKubeconfig(ctx context.Context, ac *clusterv1alpha1.AttachedCluster) (string, bool, error) {
	secret := &corev1.Secret{}
	name := ac.Spec.Kubeconfig.SecretName()
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ac.Namespace, Name: name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			r.invalid(ac, clusterv1alpha1.ReasonSecretNotFound, fmt.Sprintf("Secret %s not found in namespace %s", name, ac.Namespace))
			return "", false, nil
		}
		return "", false, err
	}
	key, ok := ac.Spec.Kubeconfig.ResolveSecretKey(secret.Data)
	if !ok {
		r.invalid(ac, clusterv1alpha1.ReasonSecretKeyNotFound, fmt.Sprintf("Secret %s has no usable kubeconfig key (want %q or a single key)", name, clusterv1alpha1.DefaultKubeconfigSecretKey))
		return "", false, nil
	}
	cfg, err := clientcmd.Load(secret.Data[key])
	if err != nil {
		r.invalid(ac, clusterv1alpha1.ReasonKubeconfigInvalid, fmt.Sprintf("Secret %s key %q does not hold a kubeconfig", name, key))
		return "", false, nil
	}
	if ac.Spec.Context != "" {
		cfg.CurrentContext = ac.Spec.Context
	}
	kctx, ok := cfg.Contexts[cfg.CurrentContext]
	if !ok {
		r.invalid(ac, clusterv1alpha1.ReasonKubeconfigInvalid, fmt.Sprintf("kubeconfig in Secret %s has no context %q", name, cfg.CurrentContext))
		return "", false, nil
	}
	kcluster, ok := cfg.Clusters[kctx.Cluster]
	if !ok || kcluster.Server == "" {
		r.invalid(ac, clusterv1alpha1.ReasonKubeconfigInvalid, fmt.Sprintf("kubeconfig in Secret %s names no server for context %q", name, cfg.CurrentContext))
		return "", false, nil
	}
	apimeta.SetStatusCondition(&ac.Status.Conditions, metav1.Condition{Type: clusterv1alpha1.ConditionKubeconfigValid, Status: metav1.ConditionTrue,
		Reason: clusterv1alpha1.ReasonKubeconfigValid, Message: "kubeconfig found and parsed", ObservedGeneration: ac.Generation,
		LastTransitionTime: metav1.NewTime(r.Clock.Now())})
	ac.Status.APIEndpoint = kcluster.Server
	return kcluster.Server, true, nil
}

func (r *Reconciler) invalid(ac *clusterv1alpha1.AttachedCluster, reason, msg string) {
	for _, t := range []string{clusterv1alpha1.ConditionKubeconfigValid, clusterv1alpha1.ConditionReady} {
		apimeta.SetStatusCondition(&ac.Status.Conditions, metav1.Condition{Type: t, Status: metav1.ConditionFalse, Reason: reason, Message: msg,
			ObservedGeneration: ac.Generation, LastTransitionTime: metav1.NewTime(r.Clock.Now())})
	}
	if ac.Status.Ready {
		r.Recorder.Eventf(ac, nil, corev1.EventTypeWarning, reason, "Validate", "%s", msg)
	}
	ac.Status.Ready = false
}

// reconcileCluster creates or updates the Cluster this AttachedCluster stands
// for. It owns the Cluster's labels, endpoint, credentials and topology;
// taints and status belong to other controllers.
func (r *Reconciler) reconcileCluster(ctx context.Context, ac *clusterv1alpha1.AttachedCluster, endpoint string) (*karmadaclusterv1alpha1.Cluster, error) {
	fleetLabels, err := r.fleetLabels(ctx, ac)
	if err != nil {
		return nil, err
	}
	cluster := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: ac.Name}}
	err = r.Client.Get(ctx, client.ObjectKeyFromObject(cluster), cluster)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, err
	}
	if err == nil && !ownedBy(cluster, ac) {
		msg := fmt.Sprintf("Cluster %s already exists and is not maintained by this AttachedCluster; rename the AttachedCluster", ac.Name)
		r.invalid(ac, ReasonClusterNameConflict, msg)
		return nil, nil
	}
	before := cluster.DeepCopy()
	// Labels we set earlier and no longer want are removed; labels others
	// put on the Cluster stay.
	lbls := map[string]string{}
	maps.Copy(lbls, cluster.Labels)
	for _, k := range strings.Split(cluster.Annotations[managedLabelsAnnotation], ",") {
		delete(lbls, k)
	}
	managed := map[string]string{}
	// Fleet-given labels win over the AttachedCluster's own (see the Fleet API).
	maps.Copy(managed, ac.Spec.Labels)
	maps.Copy(managed, fleetLabels)
	managed[clusterv1alpha1.LabelAttachedClusterName] = ac.Name
	managed[clusterv1alpha1.LabelAttachedClusterNamespace] = ac.Namespace
	maps.Copy(lbls, managed)
	cluster.Labels = lbls
	if cluster.Annotations == nil {
		cluster.Annotations = map[string]string{}
	}
	cluster.Annotations[managedLabelsAnnotation] = strings.Join(slices.Sorted(maps.Keys(managed)), ",")
	cluster.Spec.SyncMode = karmadaclusterv1alpha1.Push
	cluster.Spec.APIEndpoint = endpoint
	cluster.Spec.SecretRef = &karmadaclusterv1alpha1.LocalSecretReference{Namespace: ac.Namespace, Name: ac.Spec.Kubeconfig.SecretName()}
	applyTopology(&cluster.Spec, lbls)
	switch {
	case cluster.ResourceVersion == "":
		if err := r.Client.Create(ctx, cluster); err != nil {
			return nil, err
		}
		r.Recorder.Eventf(ac, nil, corev1.EventTypeNormal, "ClusterCreated", "Create", "Created Cluster %s", cluster.Name)
	case !equality.Semantic.DeepEqual(before.ObjectMeta, cluster.ObjectMeta) || !equality.Semantic.DeepEqual(before.Spec, cluster.Spec):
		if err := r.Client.Update(ctx, cluster); err != nil {
			return nil, err
		}
	}
	ac.Status.ClusterName = cluster.Name
	return cluster, nil
}

// fleetLabels are the labels Fleets in the namespace give this cluster, plus
// the fleet name label (the first fleet by name wins when several list it).
func (r *Reconciler) fleetLabels(ctx context.Context, ac *clusterv1alpha1.AttachedCluster) (map[string]string, error) {
	var fleets fleetv1alpha1.FleetList
	if err := r.Client.List(ctx, &fleets, client.InNamespace(ac.Namespace)); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i := len(fleets.Items) - 1; i >= 0; i-- {
		f := fleets.Items[i]
		for _, fc := range f.Spec.Clusters {
			if fc.Name == ac.Name && fc.EffectiveKind() == fleetv1alpha1.FleetClusterKindAttachedCluster {
				maps.Copy(out, fc.Labels)
				out[fleetv1alpha1.LabelFleetName] = f.Name
			}
		}
	}
	return out, nil
}

// applyTopology fills region, zones and provider from the well-known labels.
func applyTopology(spec *karmadaclusterv1alpha1.ClusterSpec, lbls map[string]string) {
	if v := first(lbls, "region", corev1.LabelTopologyRegion); v != "" {
		spec.Region = v
	}
	if v := first(lbls, "zone", corev1.LabelTopologyZone); v != "" {
		spec.Zones = []string{v}
		spec.Zone = ""
	}
	if v := first(lbls, "provider"); v != "" {
		spec.Provider = v
	}
}

func first(lbls map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := lbls[k]; v != "" {
			return v
		}
	}
	return ""
}

func ownedBy(cluster *karmadaclusterv1alpha1.Cluster, ac *clusterv1alpha1.AttachedCluster) bool {
	return cluster.Labels[clusterv1alpha1.LabelAttachedClusterName] == ac.Name &&
		cluster.Labels[clusterv1alpha1.LabelAttachedClusterNamespace] == ac.Namespace
}

// mirrorHealth copies the Cluster's Ready condition and version.
func (r *Reconciler) mirrorHealth(ac *clusterv1alpha1.AttachedCluster, cluster *karmadaclusterv1alpha1.Cluster) {
	ready := apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
	cond := metav1.Condition{Type: clusterv1alpha1.ConditionReady, Status: metav1.ConditionUnknown, Reason: "Probing",
		Message: "waiting for the first health probe", ObservedGeneration: ac.Generation, LastTransitionTime: metav1.NewTime(r.Clock.Now())}
	if ready != nil {
		cond.Status, cond.Message = ready.Status, ready.Message
		switch {
		case ready.Status == metav1.ConditionTrue:
			cond.Reason = clusterv1alpha1.ReasonClusterReady
		case ready.Reason == karmadaclusterv1alpha1.ClusterNotReachable:
			cond.Reason = clusterv1alpha1.ReasonClusterUnreachable
		default:
			cond.Reason = clusterv1alpha1.ReasonClusterNotReady
		}
	}
	wasReady := ac.Status.Ready
	apimeta.SetStatusCondition(&ac.Status.Conditions, cond)
	ac.Status.Ready = cond.Status == metav1.ConditionTrue
	ac.Status.KubernetesVersion = cluster.Status.KubernetesVersion
	if wasReady != ac.Status.Ready && ready != nil {
		if ac.Status.Ready {
			r.Recorder.Eventf(ac, nil, corev1.EventTypeNormal, cond.Reason, "Probe", "Cluster is ready")
		} else {
			r.Recorder.Eventf(ac, nil, corev1.EventTypeWarning, cond.Reason, "Probe", "Cluster is not ready: %s", cond.Message)
		}
	}
}

// reconcileDelete removes the Cluster, then the finalizer.
func (r *Reconciler) reconcileDelete(ctx context.Context, ac *clusterv1alpha1.AttachedCluster) error {
	cluster := &karmadaclusterv1alpha1.Cluster{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: ac.Name}, cluster)
	if err == nil && ownedBy(cluster, ac) {
		if err := r.Client.Delete(ctx, cluster); client.IgnoreNotFound(err) != nil {
			return err
		}
	} else if client.IgnoreNotFound(err) != nil {
		return err
	}
	if controllerutil.RemoveFinalizer(ac, Finalizer) {
		return r.Client.Update(ctx, ac)
	}
	return nil
}

func clusterToAttached(_ context.Context, obj client.Object) []reconcile.Request {
	name, ns := obj.GetLabels()[clusterv1alpha1.LabelAttachedClusterName], obj.GetLabels()[clusterv1alpha1.LabelAttachedClusterNamespace]
	if name == "" || ns == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}}}
}

func (r *Reconciler) secretToAttached(ctx context.Context, obj client.Object) []reconcile.Request {
	var list clusterv1alpha1.AttachedClusterList
	if err := r.Client.List(ctx, &list, client.InNamespace(obj.GetNamespace())); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, ac := range list.Items {
		if ac.Spec.Kubeconfig.SecretName() == obj.GetName() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&ac)})
		}
	}
	return out
}

func fleetToAttached(_ context.Context, obj client.Object) []reconcile.Request {
	f, ok := obj.(*fleetv1alpha1.Fleet)
	if !ok {
		return nil
	}
	out := make([]reconcile.Request, 0, len(f.Spec.Clusters))
	for _, fc := range f.Spec.Clusters {
		if fc.EffectiveKind() == fleetv1alpha1.FleetClusterKindAttachedCluster {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: f.Namespace, Name: fc.Name}})
		}
	}
	return out
}
