module github.com/objectlambda/sdk-go

go 1.26.0
