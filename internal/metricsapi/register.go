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

package metricsapi

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/client-go/kubernetes"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	apiregistrationv1ac "k8s.io/kube-aggregator/pkg/client/applyconfiguration/apiregistration/v1"
	aggregator "k8s.io/kube-aggregator/pkg/client/clientset_generated/clientset"
)

// APIServiceName is the name of the metrics.k8s.io APIService.
var APIServiceName = GroupVersion.Version + "." + GroupVersion.Group

// ReaderClusterRole lets whoever may view a namespace read its pods' usage
// (aggregated into view, edit and admin), as a metrics-server install does.
const ReaderClusterRole = "system:aggregated-metrics-reader"

const fieldManager = "kurator-metrics-api"

// Registration says where a cluster's metrics.k8s.io is served.
type Registration struct {
	// ServiceNamespace and ServiceName name the Service the APIService points
	// at; the serving certificate must be valid for "<name>.<namespace>.svc".
	ServiceNamespace, ServiceName string
	// Host and Port are where the server listens. The aggregator dials an
	// ExternalName Service's externalName at the APIService's port.
	Host string
	Port int32
	// CABundle verifies the serving certificate.
	CABundle []byte
}

// Register applies the Service, the APIService and the reader ClusterRole.
// It is idempotent: a restarted cluster re-applies them, with a new CA
// bundle if the credentials changed.
func Register(ctx context.Context, client kubernetes.Interface, agg aggregator.Interface, r Registration) error {
	apply := metav1.ApplyOptions{FieldManager: fieldManager, Force: true}
	// An ExternalName Service, because the aggregator resolves it to
	// externalName:port, while Endpoints may not hold loopback addresses.
	svc := corev1ac.Service(r.ServiceName, r.ServiceNamespace).
		WithLabels(map[string]string{"app.kubernetes.io/managed-by": fieldManager}).
		WithSpec(corev1ac.ServiceSpec().
			WithType(corev1.ServiceTypeExternalName).
			WithExternalName(r.Host).
			WithPorts(corev1ac.ServicePort().WithName("https").WithPort(r.Port)))
	if _, err := client.CoreV1().Services(r.ServiceNamespace).Apply(ctx, svc, apply); err != nil {
		return fmt.Errorf("apply Service %s/%s: %w", r.ServiceNamespace, r.ServiceName, err)
	}
	role := rbacv1ac.ClusterRole(ReaderClusterRole).
		WithLabels(map[string]string{
			"app.kubernetes.io/managed-by":                 fieldManager,
			"rbac.authorization.k8s.io/aggregate-to-view":  "true",
			"rbac.authorization.k8s.io/aggregate-to-edit":  "true",
			"rbac.authorization.k8s.io/aggregate-to-admin": "true",
		}).
		WithRules(rbacv1ac.PolicyRule().
			WithAPIGroups(GroupVersion.Group).
			WithResources("pods", "nodes").
			WithVerbs("get", "list"))
	if _, err := client.RbacV1().ClusterRoles().Apply(ctx, role, apply); err != nil {
		return fmt.Errorf("apply ClusterRole %s: %w", ReaderClusterRole, err)
	}
	apiService := apiregistrationv1ac.APIService(APIServiceName).
		WithLabels(map[string]string{"app.kubernetes.io/managed-by": fieldManager}).
		WithSpec(apiregistrationv1ac.APIServiceSpec().
			WithGroup(GroupVersion.Group).
			WithVersion(GroupVersion.Version).
			WithService(apiregistrationv1ac.ServiceReference().
				WithNamespace(r.ServiceNamespace).
				WithName(r.ServiceName).
				WithPort(r.Port)).
			WithCABundle(r.CABundle...).
			WithGroupPriorityMinimum(100).
			WithVersionPriority(100))
	if _, err := agg.ApiregistrationV1().APIServices().Apply(ctx, apiService, apply); err != nil {
		return fmt.Errorf("apply APIService %s: %w", APIServiceName, err)
	}
	return nil
}

// WaitAvailable polls the APIService until the aggregator reports it
// Available, or fails with the aggregator's last reason after timeout.
func WaitAvailable(ctx context.Context, agg aggregator.Interface, timeout time.Duration) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		s, err := agg.ApiregistrationV1().APIServices().Get(ctx, APIServiceName, metav1.GetOptions{})
		if err != nil {
			last = err.Error()
			return false, nil
		}
		for _, c := range s.Status.Conditions {
			if c.Type == apiregistrationv1.Available {
				last = fmt.Sprintf("%s: %s", c.Reason, c.Message)
				return c.Status == apiregistrationv1.ConditionTrue, nil
			}
		}
		last = "no Available condition yet"
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("APIService %s not Available within %s (%s): %w", APIServiceName, timeout, last, err)
	}
	return nil
}
