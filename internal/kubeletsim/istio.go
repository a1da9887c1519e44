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

package kubeletsim

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

var (
	virtualServicesGVR  = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "virtualservices"}
	destinationRulesGVR = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "destinationrules"}
)

// istioRoutes reads the member's VirtualServices and DestinationRules. The
// kinds exist only once their CRDs are installed, which the local fleet does
// after the member starts, so it waits for them; until then there are no
// routes and every Service is served locally.
type istioRoutes struct {
	listers atomic.Pointer[istioListers]
}

type istioListers struct {
	services cache.GenericLister
	rules    cache.GenericLister
}

func (r *istioRoutes) run(ctx context.Context, disc discovery.DiscoveryInterface, client dynamic.Interface) {
	log := logr.FromContextOrDiscard(ctx).WithName("istio-routes")
	err := wait.PollUntilContextCancel(ctx, 2*time.Second, true, func(context.Context) (bool, error) {
		list, err := disc.ServerResourcesForGroupVersion(virtualServicesGVR.GroupVersion().String())
		if err != nil {
			return false, nil
		}
		found := 0
		for _, res := range list.APIResources {
			if res.Name == virtualServicesGVR.Resource || res.Name == destinationRulesGVR.Resource {
				found++
			}
		}
		return found == 2, nil
	})
	if err != nil {
		return
	}
	factory := dynamicinformer.NewDynamicSharedInformerFactory(client, 0)
	vs := factory.ForResource(virtualServicesGVR)
	dr := factory.ForResource(destinationRulesGVR)
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), vs.Informer().HasSynced, dr.Informer().HasSynced) {
		return
	}
	r.listers.Store(&istioListers{services: vs.Lister(), rules: dr.Lister()})
	log.Info("Routing simulated traffic by Istio VirtualServices")
	<-ctx.Done()
	factory.Shutdown()
}

// snapshot returns the routes and rules in force; empty before the kinds exist.
func (r *istioRoutes) snapshot() ([]virtualService, []destinationRule) {
	l := r.listers.Load()
	if l == nil {
		return nil, nil
	}
	vsObjs, _ := l.services.List(labels.Everything())
	drObjs, _ := l.rules.List(labels.Everything())
	routes := make([]virtualService, 0, len(vsObjs))
	for _, o := range vsObjs {
		if u, ok := o.(*unstructured.Unstructured); ok {
			routes = append(routes, parseVirtualService(u))
		}
	}
	rules := make([]destinationRule, 0, len(drObjs))
	for _, o := range drObjs {
		if u, ok := o.(*unstructured.Unstructured); ok {
			rules = append(rules, parseDestinationRule(u))
		}
	}
	return routes, rules
}

// parseVirtualService reads the catch-all HTTP route: the first without a
// match, else the first. A lone destination without a weight takes all.
func parseVirtualService(u *unstructured.Unstructured) virtualService {
	vs := virtualService{Namespace: u.GetNamespace(), Annotations: u.GetAnnotations()}
	httpRoutes, _, _ := unstructured.NestedSlice(u.Object, "spec", "http")
	var chosen map[string]any
	for _, h := range httpRoutes {
		m, ok := h.(map[string]any)
		if !ok {
			continue
		}
		if chosen == nil {
			chosen = m
		}
		if matches, _, _ := unstructured.NestedSlice(m, "match"); len(matches) == 0 {
			chosen = m
			break
		}
	}
	if chosen == nil {
		return vs
	}
	dests, _, _ := unstructured.NestedSlice(chosen, "route")
	for _, d := range dests {
		m, ok := d.(map[string]any)
		if !ok {
			continue
		}
		host, _, _ := unstructured.NestedString(m, "destination", "host")
		subset, _, _ := unstructured.NestedString(m, "destination", "subset")
		weight, found, _ := unstructured.NestedInt64(m, "weight")
		if !found && len(dests) == 1 {
			weight = 100
		}
		vs.Route = append(vs.Route, weightedDestination{Host: host, Subset: subset, Weight: int32(weight)})
	}
	return vs
}

func parseDestinationRule(u *unstructured.Unstructured) destinationRule {
	dr := destinationRule{Namespace: u.GetNamespace(), Subsets: map[string]map[string]string{}}
	dr.Host, _, _ = unstructured.NestedString(u.Object, "spec", "host")
	subsets, _, _ := unstructured.NestedSlice(u.Object, "spec", "subsets")
	for _, s := range subsets {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		name, _, _ := unstructured.NestedString(m, "name")
		l, _, _ := unstructured.NestedStringMap(m, "labels")
		dr.Subsets[name] = l
	}
	if od, found, _ := unstructured.NestedMap(u.Object, "spec", "trafficPolicy", "outlierDetection"); found {
		dr.Outlier = true
		dr.MaxEjectionPercent = 10
		if p, ok := od["maxEjectionPercent"].(int64); ok {
			dr.MaxEjectionPercent = int32(p)
		}
	}
	return dr
}
