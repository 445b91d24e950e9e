//! After an error, stub impls, so that the user's uses of the traits (`create_user`,
//! `upsert_user`) do not add follow-on errors to the real ones.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub(crate) fn expand(input: &DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::IntoUserComUser for #ident #ty_generics #where_clause {
                fn write_user_com_user<'__usercom>(
                    &'__usercom self,
                    _: &mut #krate::CreateUser<'__usercom>,
                ) -> #krate::__private::Result<(), #krate::Error> {
                    ::core::unreachable!("the derive reported an error at compile time")
                }
            }
            #[automatically_derived]
            impl #impl_generics #krate::MapsUserId for #ident #ty_generics #where_clause {}
        };
    }
}
