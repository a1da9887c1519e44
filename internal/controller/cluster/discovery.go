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
package cluster

import (
	"context"
	"sort"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/utils/clock"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/membercluster"
)

type discoveryInfo struct {
	version     string
	enablements []karmadaclusterv1alpha1.APIEnablement
	// partial explains which groups failed discovery, if any.
	partial string
	at      time.Time
}

// discoveryCache re-reads a member's version and API resources only every
// refresh period; discovery is the most expensive part of a probe.
type discoveryCache struct {
	clock   clock.PassiveClock
	refresh time.Duration
	mu      sync.Mutex
	byName  map[string]discoveryInfo
}

func newDiscoveryCache(c clock.PassiveClock, refresh time.Duration) *discoveryCache {
	return &discoveryCache{clock: c, refresh: refresh, byName: map[string]discoveryInfo{}}
}

func (d *discoveryCache) get(_ context.Context, m *membercluster.Member) (discoveryInfo, error) {
	d.mu.Lock()
	info, ok := d.byName[m.Name]
	d.mu.Unlock()
	if ok && d.clock.Since(info.at) < d.refresh {
		return info, nil
	}
	dc := m.Client.Discovery()
	v, err := dc.ServerVersion()
	if err != nil {
		return info, err
	}
	_, lists, err := dc.ServerGroupsAndResources()
	info = discoveryInfo{version: v.GitVersion, at: d.clock.Now()}
	if err != nil {
		if !discovery.IsGroupDiscoveryFailedError(err) {
			return info, err
		}
		info.partial = err.Error()
	}
	for _, l := range lists {
		gv, perr := schema.ParseGroupVersion(l.GroupVersion)
		if perr != nil {
			continue
		}
		e := karmadaclusterv1alpha1.APIEnablement{GroupVersion: gv.String()}
		for _, r := range l.APIResources {
			if len(r.Name) == 0 || containsSlash(r.Name) {
				continue // subresources are not API enablements
			}
			e.Resources = append(e.Resources, karmadaclusterv1alpha1.APIResource{Name: r.Name, Kind: r.Kind})
		}
		sort.Slice(e.Resources, func(i, j int) bool { return e.Resources[i].Name < e.Resources[j].Name })
		info.enablements = append(info.enablements, e)
	}
	sort.Slice(info.enablements, func(i, j int) bool { return info.enablements[i].GroupVersion < info.enablements[j].GroupVersion })
	d.mu.Lock()
	d.byName[m.Name] = info
	d.mu.Unlock()
	return info, nil
}

func (d *discoveryCache) forget(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.byName, name)
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}
