"""Starting states that tests build with boto3, so each exercise can be graded on its own."""
