REASSIGN OWNED BY current_user TO postgres
