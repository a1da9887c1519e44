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

package install

import (
	"context"
	"fmt"
	"net"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/pki"
	"kurator.dev/kurator/internal/progress"
)

// addContext writes the kurator context into the user's kubeconfig, with
// the control plane's admin credentials, and returns its server: the
// endpoint asked for, else the Service's load balancer, else the in-cluster
// name (with how to reach it from outside).
func addContext(ctx context.Context, host kubernetes.Interface, o Options, bundle pki.Bundle, p *progress.Printer) (string, error) {
	server := o.Endpoint
	if server == "" {
		server = loadBalancerServer(ctx, host, o.Namespace)
	}
	if server == "" {
		server = inClusterServer(o.Namespace)
		p.Info("the Service %s/%s has no external address; from outside the host run", o.Namespace, components.ControlPlaneName)
		p.Info("  kubectl port-forward -n %s svc/%s %d", o.Namespace, components.ControlPlaneName, components.HostAPIServerPort)
		p.Info("and point the context at https://127.0.0.1:%d (the certificate is valid for 127.0.0.1)", components.HostAPIServerPort)
	}
	path, err := o.userKubeconfig()
	if err != nil {
		return server, err
	}
	cfg, err := kubeconfig.Build(kubeconfig.Entry{Context: ContextName, Server: server, PKI: bundle})
	if err != nil {
		return server, fmt.Errorf("build the kurator context: %w", err)
	}
	if err := kubeconfig.Merge(path, cfg); err != nil {
		return server, fmt.Errorf("add the kurator context to %s: %w", path, err)
	}
	return server, nil
}

// loadBalancerServer is the URL of the Service's load balancer, if it has one.
func loadBalancerServer(ctx context.Context, host kubernetes.Interface, namespace string) string {
	addr := loadBalancerAddress(ctx, host, namespace)
	if addr == "" {
		return ""
	}
	return "https://" + net.JoinHostPort(addr, strconv.Itoa(components.HostAPIServerPort))
}

// loadBalancerAddress is the IP or hostname of the Service's load
// balancer, if it has one.
func loadBalancerAddress(ctx context.Context, host kubernetes.Interface, namespace string) string {
	svc, err := host.CoreV1().Services(namespace).Get(ctx, components.ControlPlaneName, metav1.GetOptions{})
	if err != nil || svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return ""
	}
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP != "" {
			return in.IP
		}
		if in.Hostname != "" {
			return in.Hostname
		}
	}
	return ""
}
