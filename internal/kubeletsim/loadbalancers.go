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
	"fmt"
	"hash/fnv"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
)

// loadBalancers stand in, in a simulated cluster, for a bare-metal load
// balancer implementation such as MetalLB: a Service of type LoadBalancer
// (without a loadBalancerClass naming another implementation) gets an
// address from the cluster's own pool in status.loadBalancer.ingress, as
// such an implementation announces one. It is a simulation: nothing
// answers on these addresses. They exist so that tools waiting for a load
// balancer (kstatus readers, Helm, Argo CD) see what they would see in a
// cluster that has one.
type loadBalancers struct {
	client   kubernetes.Interface
	pool     string
	services corelisters.ServiceLister
	// assigned are the addresses this simulator gave, by Service, ahead of
	// the informer's cache.
	assigned map[types.NamespacedName]string
}

func newLoadBalancers(client kubernetes.Interface, cluster string) *loadBalancers {
	return &loadBalancers{client: client, pool: addressPool(cluster), assigned: map[types.NamespacedName]string{}}
}

// addressPool is the cluster's /24 (as its first three octets) in
// 198.18.0.0/15, the range reserved for benchmarking (RFC 2544), so that
// nobody mistakes the addresses for reachable ones. The third octet comes
// from the cluster's name, so a fleet's members have their own pools.
func addressPool(cluster string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(cluster))
	n := h.Sum32() % 512
	return fmt.Sprintf("198.%d.%d.", 18+n/256, n%256)
}

// run assigns addresses until ctx ends; one worker, so that two Services
// never get the same address.
func (l *loadBalancers) run(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("loadbalancers")
	factory := informers.NewSharedInformerFactory(l.client, 0)
	informer := factory.Core().V1().Services()
	l.services = informer.Lister()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[types.NamespacedName]())
	enqueue := func(obj any) {
		if s, ok := obj.(*corev1.Service); ok && s.Spec.Type == corev1.ServiceTypeLoadBalancer {
			queue.Add(types.NamespacedName{Namespace: s.Namespace, Name: s.Name})
		}
	}
	if _, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue, UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	defer queue.ShutDown()
	if !cache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced) {
		return ctx.Err()
	}
	go wait.UntilWithContext(ctx, func(ctx context.Context) {
		for {
			key, quit := queue.Get()
			if quit {
				return
			}
			if err := l.sync(ctx, key); err != nil {
				log.Info("Assigning a simulated load balancer address failed, retrying", "service", key, "err", err.Error())
				queue.AddRateLimited(key)
			} else {
				queue.Forget(key)
			}
			queue.Done(key)
		}
	}, time.Second)
	<-ctx.Done()
	return nil
}

// sync gives a LoadBalancer Service without an address the lowest free
// one of the pool.
func (l *loadBalancers) sync(ctx context.Context, key types.NamespacedName) error {
	svc, err := l.services.Services(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		delete(l.assigned, key)
		return nil
	}
	if err != nil || svc.Spec.Type != corev1.ServiceTypeLoadBalancer || svc.Spec.LoadBalancerClass != nil || len(svc.Status.LoadBalancer.Ingress) > 0 {
		return err
	}
	all, err := l.services.List(labels.Everything())
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, s := range all {
		for _, in := range s.Status.LoadBalancer.Ingress {
			used[in.IP] = true
		}
	}
	for _, ip := range l.assigned {
		used[ip] = true
	}
	for i := 1; i < 255; i++ {
		ip := fmt.Sprintf("%s%d", l.pool, i)
		if used[ip] {
			continue
		}
		svc = svc.DeepCopy()
		svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip, IPMode: ptr.To(corev1.LoadBalancerIPModeVIP)}}
		if _, err := l.client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
			return err
		}
		l.assigned[key] = ip
		return nil
	}
	return fmt.Errorf("the simulated address pool %s0/24 is exhausted", l.pool)
}
