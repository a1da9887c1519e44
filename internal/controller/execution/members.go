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
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"kurator.dev/kurator/internal/membercluster"
)

// memberCache keeps, per member cluster, a dynamic client, a discovery
// based REST mapper and the informers watching the objects Kurator applied
// there. Informers run per resource while at least one Work needs them.
type memberCache struct {
	enqueue func(work types.NamespacedName)
	log     logr.Logger
	clock   clock.PassiveClock

	mu     sync.Mutex
	byName map[string]*memberClient
}

func newMemberCache(log logr.Logger, c clock.PassiveClock, enqueue func(types.NamespacedName)) *memberCache {
	return &memberCache{enqueue: enqueue, log: log, clock: c, byName: map[string]*memberClient{}}
}

// get returns the clients for m, rebuilding them when the registry handed
// out a new connection (changed credentials).
func (c *memberCache) get(m *membercluster.Member) (*memberClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if mc, ok := c.byName[m.Name]; ok && mc.member == m {
		return mc, nil
	}
	mc, err := newMemberClient(m, c.log.WithValues("cluster", m.Name), c.clock, c.enqueue)
	if err != nil {
		return nil, err
	}
	if old, ok := c.byName[m.Name]; ok {
		old.stopAll()
	}
	c.byName[m.Name] = mc
	return mc, nil
}

// forget stops watching a member and drops its clients, e.g. while it is
// not ready; the next get starts afresh.
func (c *memberCache) forget(cluster string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if mc, ok := c.byName[cluster]; ok {
		mc.stopAll()
		delete(c.byName, cluster)
	}
}

// release records that a Work needs no informer any more.
func (c *memberCache) release(cluster string, work types.NamespacedName) {
	c.mu.Lock()
	mc, ok := c.byName[cluster]
	c.mu.Unlock()
	if ok {
		mc.watch(work, nil)
	}
}

// memberClient talks to one member cluster.
type memberClient struct {
	member  *membercluster.Member
	dynamic dynamic.Interface
	mapper  meta.RESTMapper
	// watcher has no client timeout, which would cut watches.
	watcher dynamic.Interface
	enqueue func(types.NamespacedName)
	log     logr.Logger
	clock   clock.PassiveClock

	mu       sync.Mutex
	stopped  bool
	informer map[schema.GroupVersionResource]*informer
	// uses says which resources each Work needs watched; watchers counts
	// the Works per resource.
	uses     map[types.NamespacedName]sets.Set[schema.GroupVersionResource]
	watchers map[schema.GroupVersionResource]int
	applied  map[objectRef]appliedRecord
	// namespaces seen to exist, so creating the first object of a
	// namespace reads it once, not once per object.
	namespaces sets.Set[string]
}

// objectRef names a member object independently of the API version.
type objectRef struct {
	group, resource, namespace, name string
}

// appliedRecord remembers what was last applied to an object, so that an
// unchanged manifest whose fields nobody else took over is not re-applied.
type appliedRecord struct {
	uid    types.UID
	hash   string
	fields string
}

func newMemberClient(m *membercluster.Member, log logr.Logger, c clock.PassiveClock, enqueue func(types.NamespacedName)) (*memberClient, error) {
	httpClient, err := rest.HTTPClientFor(m.Config)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfigAndClient(m.Config, httpClient)
	if err != nil {
		return nil, err
	}
	mapper, err := apiutil.NewDynamicRESTMapper(m.Config, httpClient)
	if err != nil {
		return nil, err
	}
	watchCfg := rest.CopyConfig(m.Config)
	watchCfg.Timeout = 0
	watcher, err := dynamic.NewForConfig(watchCfg)
	if err != nil {
		return nil, err
	}
	return &memberClient{
		member: m, dynamic: dyn, mapper: mapper, watcher: watcher, enqueue: enqueue, log: log, clock: c,
		informer: map[schema.GroupVersionResource]*informer{},
		uses:     map[types.NamespacedName]sets.Set[schema.GroupVersionResource]{},
		watchers: map[schema.GroupVersionResource]int{},
		applied:  map[objectRef]appliedRecord{},
	}, nil
}

// upToDate reports whether live still holds what was last applied from
// the same manifest: same object, same manifest hash, and the fields
// Kurator owns unchanged (an edit by anyone else moves fields away). What
// this process applied is remembered; otherwise (after a restart) the
// digest recorded in the Work's status stands in for the record, and a
// match is remembered from then on.
func (mc *memberClient) upToDate(ref objectRef, hash string, live *unstructured.Unstructured, recordedDigest string) bool {
	mc.mu.Lock()
	rec, ok := mc.applied[ref]
	mc.mu.Unlock()
	if ok {
		return rec.fields != "" && rec.uid == live.GetUID() && rec.hash == hash && rec.fields == ownedFields(live)
	}
	if recordedDigest == "" || appliedDigest(live, hash) != recordedDigest {
		return false
	}
	mc.remember(ref, hash, live)
	return true
}

func (mc *memberClient) remember(ref objectRef, hash string, live *unstructured.Unstructured) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.applied[ref] = appliedRecord{uid: live.GetUID(), hash: hash, fields: ownedFields(live)}
}

// appliedDigestLength keeps the digest short: it is stored per manifest in
// the Work's status, and 128 bits leave no practical chance of a collision.
const appliedDigestLength = 32

// appliedDigest condenses what upToDate compares (the object's UID, the
// manifest hash and the fields Kurator owns) so that it survives a
// restart in the Work's status. Empty when Kurator owns no field of live:
// such an object is never up to date.
func appliedDigest(live *unstructured.Unstructured, hash string) string {
	if live == nil {
		return ""
	}
	fields := ownedFields(live)
	if fields == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(string(live.GetUID()) + "\x00" + hash + "\x00" + fields))
	return hex.EncodeToString(sum[:])[:appliedDigestLength]
}

func (mc *memberClient) forgetApplied(ref objectRef) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	delete(mc.applied, ref)
}

// ownedFields is the field set Kurator's apply owns in obj.
func ownedFields(obj *unstructured.Unstructured) string {
	for _, f := range obj.GetManagedFields() {
		if f.Manager == fieldManager && f.Operation == metav1.ManagedFieldsOperationApply && f.Subresource == "" && f.FieldsV1 != nil {
			return f.FieldsV1.GetRawString()
		}
	}
	return ""
}
