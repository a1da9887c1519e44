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
// Package retry keeps routine retries out of the controllers' error log.
package retry

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// ConflictRetry is how soon a reconcile whose write lost a race runs again.
const ConflictRetry = 100 * time.Millisecond

// OnConflict wraps a reconciler so that a write which lost an optimistic
// concurrency race (a Conflict: another writer changed the object after it
// was read) is retried soon as a plain requeue, not reported as a
// "Reconciler error": the next pass reads the newer version, and nothing is
// wrong.
func OnConflict(r reconcile.Reconciler) reconcile.Reconciler {
	return reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		res, err := r.Reconcile(ctx, req)
		if err != nil && apierrors.IsConflict(err) {
			ctrl.LoggerFrom(ctx).V(4).Info("Write conflict, retrying", "error", err.Error())
			return reconcile.Result{RequeueAfter: ConflictRetry}, nil
		}
		return res, err
	})
}
