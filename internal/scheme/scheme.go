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
// Package scheme is the runtime scheme shared by Kurator's binaries: the
// built-in Kubernetes kinds, CRDs, Kurator's and Karmada's APIs, the
// Argo-compatible analysis templates, and the
// Istio networking kinds the fleet serves (every version Istio serves).
package scheme

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// Scheme knows every kind Kurator reads or writes.
var Scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(Scheme))
	utilruntime.Must(apiextensionsv1.AddToScheme(Scheme))
	utilruntime.Must(fleetv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(networkingv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(rolloutv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(autoscalingv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(argoprojv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(clusterv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(configv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(schedulingv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(karmadaclusterv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(karmadaconfigv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(policyv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(workv1alpha1.AddToScheme(Scheme))
	utilruntime.Must(workv1alpha2.AddToScheme(Scheme))
	utilruntime.Must(istionetworkingv1.AddToScheme(Scheme))
	utilruntime.Must(istionetworkingv1beta1.AddToScheme(Scheme))
	utilruntime.Must(istionetworkingv1alpha3.AddToScheme(Scheme))
}
