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
package server

import (
	"context"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"kurator.dev/kurator/internal/metricsapi"
)

// startRequestsUsage derives the metrics API's figures from pod requests
// until the simulated load model lands in kubeletsim. Delete this file and
// internal/metricsapi/requests_source.go when sim.Usage() replaces it.
func startRequestsUsage(ctx context.Context, client kubernetes.Interface) metricsapi.Source {
	factory := informers.NewSharedInformerFactory(client, 0)
	pods, nodes := factory.Core().V1().Pods(), factory.Core().V1().Nodes()
	source := metricsapi.NewRequestsSource(pods.Lister(), nodes.Lister(), nil)
	// Informers must be requested before Start to be started.
	pods.Informer()
	nodes.Informer()
	factory.Start(ctx.Done())
	return source
}
