-- nothing here
/* nor here */
