// Package metrics holds the gateway's Prometheus metrics, named after the
// CloudWatch request metrics of S3 Object Lambda access points:
//
//	AllRequests             objectlambda_all_requests_total
//	GetRequests             objectlambda_get_requests_total
//	HeadRequests            objectlambda_head_requests_total
//	ListRequests            objectlambda_list_requests_total
//	BytesDownloaded         objectlambda_bytes_downloaded_total
//	FirstByteLatency        objectlambda_first_byte_latency_seconds (histogram)
//	TotalRequestLatency     objectlambda_total_request_latency_seconds (histogram)
//	4xxErrors               objectlambda_4xx_errors_total
//	5xxErrors               objectlambda_5xx_errors_total
//	ProxiedRequests         objectlambda_proxied_requests_total
//	InvokedLambda           objectlambda_invoked_lambda_total
//	LambdaResponseRequests  objectlambda_lambda_response_requests_total
//	LambdaResponse4xx       objectlambda_lambda_response_4xx_total
//	LambdaResponse5xx       objectlambda_lambda_response_5xx_total
//
// Each carries the labels access_point (AWS's AccessPointName dimension)
// and function (AWS's DataSourceARN: the function, or "" for requests
// served without one). Two more are the gateway's own:
// objectlambda_throttled_requests_total (503 SlowDown from the
// concurrency limit) and objectlambda_invocations_in_flight. The Go runtime
// and process collectors come with them. Handler serves them all.
package metrics
